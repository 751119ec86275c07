/**
 * The replay lifecycle of one delivery, in the order it happens: the verifier keys it and
 * **begins** a claim in the `ReplayStore` (`lease.ts` **renews** it while the handler runs), the
 * flow opens the inbox, waits for the handler, then **completes** the claim (the sender will not
 * retry) or **aborts** it (the retry must get in). The verifier and the flow call only this module,
 * but for the keying and the claim itself: `claim.ts`, which the verifier loads on demand with the
 * first delivery it keys, so a verifier without a store bundles none of it at start.
 */
import type { Failure } from './errors.js'
import { type InboxGate, openInbox, type WebhookInbox } from './inbox.js'
import { positive } from './options.js'
import type { ReplayStore } from './replay.js'
import type { VerifiedWebhook, VerifierOptions } from './verify.js'

/**
 * @internal What `complete` and `abort` are without a claim.
 *
 * @example
 * const unclaimed = { replayKey: undefined, complete: noop, abort: noop }
 */
export const noop = async (): Promise<void> => {}

/**
 * @internal How a verifier keys and claims deliveries, compiled once from its options.
 *
 * @example
 * const policy: ReplayPolicy = { store: new MemoryReplayStore(), deliveryKey: undefined, leaseMs: 60_000, maxHoldMs: 900_000, ttlMs: undefined }
 */
export interface ReplayPolicy {
  /** `undefined` with `keyDeliveries` alone: the key, nothing claimed. */
  readonly store: ReplayStore | undefined
  readonly deliveryKey: ((webhook: VerifiedWebhook) => string | undefined) | undefined
  readonly leaseMs: number
  readonly maxHoldMs: number
  /** `replayTtlSeconds` in ms; `undefined`: each provider's retry window. */
  readonly ttlMs: number | undefined
}

/**
 * @internal Checks the replay options at startup (`TypeError` on a bad one); `undefined` when
 * there is neither a store nor `keyDeliveries`: nothing to key, nothing to claim.
 *
 * @example
 * replayPolicy({ replayStore: false }) // undefined
 * replayPolicy({ replayStore: store, leaseSeconds: 30 }) // { store, leaseMs: 30_000, maxHoldMs: 900_000, ... }
 */
export function replayPolicy(options: VerifierOptions): ReplayPolicy | undefined {
  const leaseMs = positive('leaseSeconds', options.leaseSeconds, 60) * 1000
  const maxHoldMs = positive('maxHoldSeconds', options.maxHoldSeconds, 900) * 1000
  const ttlMs = options.replayTtlSeconds === undefined ? undefined : positive('replayTtlSeconds', options.replayTtlSeconds, 1) * 1000
  const store = options.replayStore === false ? undefined : options.replayStore
  if (
    store !== undefined &&
    (typeof store.begin !== 'function' || typeof store.complete !== 'function' || typeof store.abort !== 'function')
  ) {
    throw new TypeError('replayStore must implement begin, complete and abort')
  }
  if (store === undefined && options.keyDeliveries !== true) return undefined
  return { store, deliveryKey: options.deliveryKey, leaseMs, maxHoldMs, ttlMs }
}

/**
 * @internal The inbox step, after the claim and before the handler: the gate (the delivery with
 * `transaction`), or the failure to answer, with the claim already settled: a delivery committed
 * before is processed (complete); an unreachable database must let the retry in (abort).
 *
 * @example
 * const opened = await openInboxGate(inbox, webhook)
 * if (!('webhook' in opened)) return reject(opened) // 200 duplicate or 503, the claim settled
 */
export async function openInboxGate(inbox: WebhookInbox, webhook: VerifiedWebhook): Promise<InboxGate | Failure> {
  const opened = await openInbox(inbox, webhook)
  if ('webhook' in opened) return opened
  await settleDelivery(webhook, opened.code === 'DUPLICATE_DELIVERY')
  return opened
}

/**
 * @internal Whether a handler that finished counts as processed: below 500 the sender will not
 * retry; a router says so itself (a schema or unknown-event rejection is not processed).
 *
 * @example
 * isProcessed(204) // true
 * isProcessed(503) // false: the sender retries
 * isProcessed(200, false) // false: the router rejected the payload
 */
export function isProcessed(status: number | undefined, routed?: boolean): boolean {
  return routed ?? (status !== undefined && status < 500)
}

/**
 * @internal Ends the claim once the handler settled: complete (processed) or abort (the handler
 * failed or threw: the retry gets in). A store that fails is ignored: the lease lapses instead.
 *
 * @example
 * const settling = settleDelivery(webhook, isProcessed(status))
 * if (settling !== undefined) await settling
 * @returns `undefined` for a result that holds no claim (no store, or a store-less verifier):
 *   nothing to wait for, so the caller spends no microtask turn on it.
 */
export function settleDelivery(webhook: VerifiedWebhook, processed: boolean): Promise<void> | undefined {
  if ((processed ? webhook.complete : webhook.abort) === noop) return undefined
  return settle(processed ? webhook.complete() : webhook.abort())
}

/** Not `async`: one reaction on the store's promise rather than an async frame around it. */
function settle(promise: Promise<void>): Promise<void> {
  // the store is down: the claim's lease expires and the sender's retry is processed then
  return Promise.resolve(promise).then(undefined, ignore)
}

function ignore(): void {}
