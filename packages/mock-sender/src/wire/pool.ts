/**
 * The one worker pool of the mock sender: `hookproof-send --repeat --concurrency` and
 * `conformance`'s `concurrency` both run their deliveries through it.
 */

/**
 * Runs `task(i)` for every `i` below `count`, at most `concurrency` at a time, and resolves with
 * the results in index order (whatever order they finish in). A task that throws rejects the run.
 *
 * @example
 * await runPool(3, 2, async (i) => i * 10) // [0, 10, 20], at most two in flight
 */
export async function runPool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count)
  let next = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      results[i] = await task(i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), count) }, worker))
  return results
}
