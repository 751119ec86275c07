import { describe, expect, it } from 'vitest'
import { runPool } from '../src/wire/pool.js'

describe('runPool() (the worker pool of send --concurrency and conformance)', () => {
  it('resolves in index order whatever order the tasks finish in, with at most `concurrency` in flight', async () => {
    let inFlight = 0
    let most = 0
    const finished: number[] = []
    const results = await runPool(6, 2, async (i) => {
      inFlight++
      most = Math.max(most, inFlight)
      // later indexes finish first: a result array in completion order would be reversed
      await new Promise((resolve) => setTimeout(resolve, (6 - i) * 3))
      inFlight--
      finished.push(i)
      return i * 10
    })
    expect(results).toEqual([0, 10, 20, 30, 40, 50])
    expect(most).toBe(2)
    expect(finished).not.toEqual([0, 1, 2, 3, 4, 5])
  })

  it('runs nothing for count 0, and treats a concurrency below 1 as 1', async () => {
    expect(await runPool(0, 4, async () => 1)).toEqual([])
    expect(await runPool(2, 0, async (i) => i)).toEqual([0, 1])
  })

  it('rejects with the first task error', async () => {
    await expect(
      runPool(3, 1, async (i) => {
        if (i === 1) throw new TypeError('task 1 failed')
        return i
      }),
    ).rejects.toThrow('task 1 failed')
  })
})
