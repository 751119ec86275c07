// The rejection lines of createRejectionLog (log.ts): formatting, the first hint, the per-(provider,
// code) rate limit. Loaded with the first rejection logged, so a Worker's start bundle holds none of it.
import type { Failure } from './errors.js'
import type { LogState } from './log.js'

type Rejected = Pick<Failure, 'provider' | 'code' | 'status' | 'message'>

/** @internal One (provider, code) rate-limit window. */
export interface RateWindow {
  startedAt: number
  count: number
  timer: ReturnType<typeof setTimeout> | undefined
}

/**
 * @internal The line of one rejection with its first hint, unless its (provider, code) window
 * already had one (then it is counted, and reported when the window closes).
 *
 * @example
 * await logRejected(state, failure, () => error.explain()) // log.ts: createRejectionLog's `rejected`
 */
export async function logRejected(s: LogState, failure: Rejected, explain: () => Promise<string[]>): Promise<void> {
  // a configuration error (5xx) is always written: it is the operator's, and rare
  if (failure.status < 500 && suppressed(s, failure)) return
  let hints: string[] = []
  try {
    hints = await explain()
  } catch {
    hints = []
  }
  const { provider, code, status } = failure
  const hint = hints[0]
  const more = hints.length > 1 ? ` (${hints.length - 1} more in explain())` : ''
  const from = provider === undefined ? '' : ` from ${provider}`
  s.write(
    `hookproof: rejected a delivery${from}: ${status} ${code}: ${failure.message}${hint === undefined ? '' : `. Hint: ${hint}${more}`}`,
    {
      provider,
      code,
      status,
      message: failure.message,
      hint,
    },
  )
}

/** Counts a rejection inside its open window (one line then sums the rest); opens a window otherwise. */
function suppressed(s: LogState, failure: Rejected): boolean {
  const { provider, code, status } = failure
  const key = `${provider ?? ''}\u0000${code}`
  const w = s.windows.get(key)
  const now = Date.now()
  if (w !== undefined && now - w.startedAt < s.intervalMs) {
    w.count++
    if (w.timer === undefined) {
      // one timer per (provider, code) window, not per request; unref: it must not keep a process alive
      const timer = setTimeout(() => flush(s, key, provider, code, status), s.intervalMs - (now - w.startedAt))
      ;(timer as { unref?: () => void }).unref?.()
      w.timer = timer
    }
    return true
  }
  if (w !== undefined) flush(s, key, provider, code, status)
  s.windows.set(key, { startedAt: now, count: 0, timer: undefined })
  return false
}

/** Closes a window: one line with how many rejections it held back. */
function flush(s: LogState, key: string, provider: string | undefined, code: string, status: number): void {
  const w = s.windows.get(key)
  if (w === undefined) return
  s.windows.delete(key)
  if (w.timer !== undefined) clearTimeout(w.timer)
  if (w.count === 0) return
  const seconds = Math.round(s.intervalMs / 1000)
  s.write(`hookproof: … ${w.count} more ${code} from ${provider ?? 'an unknown provider'} in the last ${seconds} s`, {
    provider,
    code,
    status,
    message: `${w.count} more rejections, not logged one by one`,
    hint: undefined,
    suppressed: w.count,
  })
}
