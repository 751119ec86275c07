/**
 * Delivery like the vendor: real HTTP with the vendor's method, content type and timeout, and
 * retries on non-2xx or no answer with the vendor's policy. Every retry sends the same delivery
 * (same id, same bytes) unless `resign` asks for a fresh signature per attempt.
 */
import type { UnsignedDelivery } from '../delivery.js'
import { type SignDeliveryOptions, signDelivery } from '../sign.js'
import { retryPolicy } from '../vendors/index.js'
import type { RetryOption } from './retry.js'
import { exchange, type FetchLike, type TransportError, UNREACHABLE_CODES, type WireRequest, wireRequest } from './transport.js'

/**
 * The clock retries wait on; inject a fake one so a backoff of hours runs in microseconds.
 *
 * @example
 * const clock: SendClock = { now: () => Date.now(), sleep: async () => {} } // retries without waiting
 * await send(signed, { url, retry: 'vendor', maxAttempts: 3, clock })
 */
export interface SendClock {
  /** ms since the epoch; stamps attempts and re-signatures. */
  now(): number
  sleep(ms: number): Promise<void>
}

/**
 * `Date.now` and `setTimeout`: the default clock.
 *
 * @example
 * await send(signed, { url, retry: 'vendor', maxAttempts: 3, clock: realClock })
 */
export const realClock: SendClock = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
})

/**
 * Options of {@link send}.
 *
 * @example
 * const options: SendOptions = { url: 'http://127.0.0.1:3000/webhooks', retry: { retries: 2, delayMs: 100 }, timeoutMs: 5000 }
 * const result = await send(signed, options)
 */
export interface SendOptions {
  /** Where to send; default the delivery's own `url`. */
  url?: string
  /** Use this `fetch` instead of node:http (which keeps header casing and adds no headers of its own). */
  fetch?: FetchLike
  /**
   * Per attempt; default the vendor's (`delivery.timeoutMs`: Orchest 5 s, Designer Cloud 30 s),
   * applied as the delivery's `timeoutMode` says (Orchest: to the connect and to each read).
   */
  timeoutMs?: number
  /**
   * `'none'` (default): one attempt. `'vendor'`: the vendor's published policy (Orchest:
   * `min(2^n, 3600)` s after the n-th failure, forever; GitHub: none); throws for vendors that
   * publish none. `{ retries, delayMs? }`: your own.
   */
  retry?: RetryOption
  /** Upper bound on attempts, first included; needed to stop Orchest's endless retries. */
  maxAttempts?: number
  /** Default {@link realClock}. */
  clock?: SendClock
  /**
   * Re-sign every retry at `clock.now()` with these options (for senders that sign each attempt
   * afresh). Default: every attempt sends identical bytes, which is what Orchest does.
   */
  resign?: SignDeliveryOptions
  /** Called after each attempt, before any wait. */
  onAttempt?: (attempt: SendAttempt) => void
}

/**
 * One attempt: what was sent and what came back.
 *
 * @example
 * await send(signed, { url, onAttempt: (a: SendAttempt) => console.log(a.attempt, a.status ?? a.error?.code, a.retryInMs) })
 */
export interface SendAttempt {
  /** 1 for the first. */
  attempt: number
  /** `clock.now()` when the attempt started. */
  at: number
  request: WireRequest
  /** `undefined` when no response arrived (see `error`). */
  status?: number
  /** The receiver answered 2xx. */
  ok: boolean
  /** Response headers, lowercased names. */
  headers: Record<string, string>
  /** Response body text. */
  body: string
  /** Wall-clock duration of the exchange, ms. */
  durationMs: number
  error?: TransportError
  /** The wait before the next attempt, ms; absent on the last attempt. */
  retryInMs?: number
}

/**
 * What {@link send} resolves with: the outcome and every attempt.
 *
 * @example
 * const result: SendResult = await send(signed, { url })
 * if (!result.ok) console.error(result.attempts.map((a) => a.status))
 */
export interface SendResult {
  /** The last attempt was answered 2xx. */
  ok: boolean
  attempts: SendAttempt[]
  /** The vendor's delivery id, the same on every attempt. */
  deliveryId?: string
}

/**
 * Whether an attempt failed because nothing could be reached at its URL (refused, unknown host).
 *
 * @example
 * const { attempts } = await send(signed, { url: 'http://127.0.0.1:9/' })
 * isUnreachable(attempts[0]) // true: ECONNREFUSED
 */
export function isUnreachable(attempt: Pick<SendAttempt, 'error'>): boolean {
  return attempt.error?.kind === 'network' && UNREACHABLE_CODES.includes(attempt.error.code ?? '')
}

function resolveUrl(delivery: UnsignedDelivery, url: string | undefined): string {
  const target = url ?? delivery.url
  if (target === undefined) throw new TypeError('send() needs a url (option or delivery.url)')
  return target
}

/**
 * Sends one delivery, retrying as asked, and returns every attempt.
 *
 * @example
 * const signed = await signDelivery(orchestEvent({ type: 'project:cron-job:run:failed' }), { secret })
 * const { ok, attempts } = await send(signed, { url: 'http://127.0.0.1:3000/webhooks/orchest', retry: 'vendor', maxAttempts: 5 })
 * @throws {TypeError} for a missing or non-http URL, a bad retry option, or `'vendor'` retries for a
 *   vendor that publishes no policy. Transport failures never throw: they are attempts with `error`.
 */
export async function send(delivery: UnsignedDelivery, options: SendOptions = {}): Promise<SendResult> {
  const url = resolveUrl(delivery, options.url)
  const policy = retryPolicy(delivery.row ?? delivery.provider, options.retry ?? 'none')
  const maxAttempts = Math.min(options.maxAttempts ?? Number.POSITIVE_INFINITY, policy.maxAttempts)
  if (!(maxAttempts >= 1)) throw new TypeError(`maxAttempts must be at least 1, got ${String(options.maxAttempts)}`)
  const clock = options.clock ?? realClock
  const timeoutMs = options.timeoutMs ?? delivery.timeoutMs
  if (!(timeoutMs > 0)) throw new TypeError(`timeoutMs must be positive, got ${String(timeoutMs)}`)
  new URL(url) // a malformed URL is a usage error, before anything is sent

  const attempts: SendAttempt[] = []
  let current = delivery
  for (let n = 1; ; n++) {
    if (n > 1 && options.resign !== undefined) {
      current = await signDelivery(current, { ...options.resign, now: clock.now(), url })
    }
    const request: WireRequest = wireRequest(current, url)
    const at = clock.now()
    const response = await exchange(request, timeoutMs, options.fetch)
    const ok = response.status !== undefined && response.status >= 200 && response.status <= 299
    const attempt: SendAttempt = { attempt: n, at, request, ok, ...response }
    attempts.push(attempt)
    const again = !ok && n < maxAttempts
    if (again) attempt.retryInMs = policy.delayMs(n)
    options.onAttempt?.(attempt)
    if (!again) break
    await clock.sleep(attempt.retryInMs as number)
  }
  const last = attempts[attempts.length - 1] as SendAttempt
  return {
    ok: last.ok,
    attempts,
    ...(delivery.deliveryId === undefined ? {} : { deliveryId: delivery.deliveryId }),
  }
}

/**
 * A fake {@link SendClock} for tests: `sleep` returns at once and advances `now`; `sleeps` records
 * every wait asked for.
 *
 * @example
 * const clock = fakeClock(1_700_000_000_000)
 * await send(signed, { retry: 'vendor', maxAttempts: 3, clock })
 * clock.sleeps // [2000, 4000] when the first two attempts failed
 */
export function fakeClock(start = 0): SendClock & { readonly sleeps: number[] } {
  let now = start
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms)
      now += ms
    },
  }
}
