/**
 * Retry policies as data: how long a sender waits after the n-th failed attempt, and
 * whether it stops. Only what is published is encoded; an unknown policy is `undefined`, never a
 * guess (VENDORS.md: "unknown: never hard-code; make it an option").
 */

/**
 * When to try again. `delayMs(n)` is the wait after the n-th failed attempt (n starts at 1).
 *
 * @example
 * const policy: RetryPolicy = retryPolicy('orchest', 'vendor')
 * policy.delayMs(2) // 4000
 */
export interface RetryPolicy {
  /** For reports: `orchest`, `none`, `custom`. */
  readonly name: string
  /** Attempts in all, the first included; `Infinity` when the vendor never gives up. */
  readonly maxAttempts: number
  /** Wait after the n-th failure, in ms. */
  delayMs(failures: number): number
}

/**
 * `min(2^n, 3600)` s after the n-th failure: Orchest's backoff, and the default wait of a custom
 * `retry: { retries }`.
 *
 * @example
 * defaultBackoffMs(2) // 4000
 */
export function defaultBackoffMs(failures: number): number {
  return Math.min(2 ** failures, 3600) * 1000
}

/**
 * One attempt, no retry: GitHub does not redeliver failed deliveries by itself.
 *
 * @example
 * retryPolicy('github', 'vendor') === NO_RETRY // true
 */
export const NO_RETRY: RetryPolicy = Object.freeze({ name: 'none', maxAttempts: 1, delayMs: () => 0 })

/**
 * What `send`'s `retry` option accepts.
 *
 * @example
 * const retry: RetryOption = { retries: 3, delayMs: (n) => 1000 * n }
 * await send(signed, { url, retry })
 */
export type RetryOption =
  | 'none'
  | 'vendor'
  | {
      /** Retries after the first attempt. */
      retries: number
      /** Wait after the n-th failure, ms; default `min(2^n, 3600)` s, Orchest's backoff. */
      delayMs?: number | ((failures: number) => number)
    }

/**
 * The policy an option stands for, given the vendor's published one (`vendors/index.ts`
 * `retryPolicy` looks that up by provider).
 *
 * @example
 * resolveRetry('y42', undefined, { retries: 2, delayMs: 10 }).maxAttempts // 3
 * @throws {TypeError} for `'vendor'` when the vendor publishes no policy, or a bad `retries`.
 */
export function resolveRetry(provider: string, published: RetryPolicy | undefined, option: RetryOption = 'none'): RetryPolicy {
  if (option === 'none') return NO_RETRY
  if (option === 'vendor') {
    if (published === undefined) {
      throw new TypeError(`${provider} publishes no retry policy; pass retry: { retries: N } (CLI: --retries N) instead`)
    }
    return published
  }
  const { retries, delayMs } = option
  if (!Number.isInteger(retries) || retries < 0) {
    throw new TypeError(`retries must be a non-negative integer, got ${String(retries)}`)
  }
  const delay = typeof delayMs === 'function' ? delayMs : typeof delayMs === 'number' ? () => delayMs : defaultBackoffMs
  return { name: 'custom', maxAttempts: retries + 1, delayMs: delay }
}
