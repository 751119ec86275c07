/**
 * Vendors' retry policies as data: how long a sender waits after the n-th failed attempt, and
 * whether it stops. Only what is published is encoded; an unknown policy is `undefined`, never a
 * guess (VENDORS.md: "unknown: never hard-code; make it an option").
 */
import type { MockProvider } from '../delivery.js'

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
 * Orchest: after the n-th failure, retry in `min(2^n, 3600)` s, with no maximum number of
 * attempts (orchest-api `core/notifications/webhooks.py`).
 *
 * @example
 * ORCHEST_RETRY.delayMs(1) // 2000
 * ORCHEST_RETRY.delayMs(12) // 3_600_000
 */
export const ORCHEST_RETRY: RetryPolicy = Object.freeze({
  name: 'orchest',
  maxAttempts: Number.POSITIVE_INFINITY,
  delayMs: (failures: number) => Math.min(2 ** failures, 3600) * 1000,
})

/**
 * One attempt, no retry: GitHub does not redeliver failed deliveries by itself.
 *
 * @example
 * retryPolicy('github', 'vendor') === NO_RETRY // true
 */
export const NO_RETRY: RetryPolicy = Object.freeze({ name: 'none', maxAttempts: 1, delayMs: () => 0 })

/**
 * The published policy per vendor; `undefined` where the vendor does not publish one (Designer
 * Cloud documents "Retry on failure" but no count or backoff; UP42, Y42, Xplenty say nothing;
 * Standard Webhooks leaves the schedule to each sender).
 *
 * @example
 * VENDOR_RETRY.orchest?.delayMs(3) // 8000
 * VENDOR_RETRY.up42 // undefined: pass retry: { retries: N }
 */
export const VENDOR_RETRY: Readonly<Record<MockProvider, RetryPolicy | undefined>> = Object.freeze({
  y42: undefined,
  up42: undefined,
  orchest: ORCHEST_RETRY,
  'designer-cloud': undefined,
  xplenty: undefined,
  github: NO_RETRY,
  'standard-webhooks': undefined,
})

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
 * The policy an option stands for.
 *
 * @example
 * retryPolicy('orchest', 'vendor') === ORCHEST_RETRY // true
 * retryPolicy('y42', { retries: 2, delayMs: 10 }).maxAttempts // 3
 * @throws {TypeError} for `'vendor'` when the vendor publishes no policy, or a bad `retries`.
 */
export function retryPolicy(provider: MockProvider, option: RetryOption = 'none'): RetryPolicy {
  if (option === 'none') return NO_RETRY
  if (option === 'vendor') {
    const policy = VENDOR_RETRY[provider]
    if (policy === undefined) {
      throw new TypeError(`${provider} publishes no retry policy; pass retry: { retries: N } (CLI: --retries N) instead`)
    }
    return policy
  }
  const { retries, delayMs } = option
  if (!Number.isInteger(retries) || retries < 0) {
    throw new TypeError(`retries must be a non-negative integer, got ${String(retries)}`)
  }
  const delay = typeof delayMs === 'function' ? delayMs : typeof delayMs === 'number' ? () => delayMs : ORCHEST_RETRY.delayMs
  return { name: 'custom', maxAttempts: retries + 1, delayMs: delay }
}
