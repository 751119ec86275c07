// The claim step of a verified delivery: its dedup key (the user's `deliveryKey`, else what the MAC
// covers) and its claim in the replay store (lease, duplicate answers, store errors). Only a verifier
// with a `replayStore` or `keyDeliveries` runs it: verify.ts loads it (through on-demand.ts) with the
// first delivery such a verifier verifies, so a Worker without a store bundles none of it at start.
// The rest of the replay lifecycle (the policy, settling a claim) is lifecycle.ts.
import { bytesToHex } from './encoding.js'
import { type Failure, fail, isFailure } from './failure.js'
import { type LeaseTiming, takeClaim } from './lease.js'
import type { ReplayPolicy } from './lifecycle.js'
import { andThen, type Maybe } from './maybe.js'
import type { ParsedSignature } from './provider.js'
import type { ReplayStore } from './replay.js'
import type { Attempt, CheckResult, VerifiedWebhook } from './verify.js'

/**
 * @internal Keys the verified delivery of `a` (the user's `deliveryKey`, else {@link replayKeyOf})
 * and claims it: the result, a duplicate, or an unavailable store.
 *
 * @example
 * return andThen(claim(a, currentMac), send, res) // verify.ts: after the result is built
 */
export function claim(a: Attempt, currentMac: (a: Attempt) => Maybe<Uint8Array>): Maybe<CheckResult> {
  const policy = a.c.replay as ReplayPolicy
  const webhook = a.webhook as VerifiedWebhook
  const key = policy.deliveryKey !== undefined ? ownKey(policy, webhook) : replayKeyOf(a, webhook, currentMac)
  return andThen(andThen(key, claimUnder, a), outcome, undefined)
}

function claimUnder(key: string | undefined, a: Attempt): Maybe<VerifiedWebhook | Failure> {
  return beginClaim(a.c.replay as ReplayPolicy, key, a.webhook as VerifiedWebhook, a.entry.provider.replayTtlSeconds)
}

/**
 * The dedup key, from what the MAC covers and nothing else, so that a replay changing only
 * unsigned parts (ids, header spelling, hex case, whitespace, parameter order) maps to the
 * same key, and an attacker without the secret can neither split one delivery into many keys,
 * nor mint new keys to evict processed ones, nor claim the key of a pending real delivery:
 * - `<provider>:id:<id>` when the row says its delivery id is signed: the sender may re-sign
 *   a retry with a new timestamp, and the id stays the same;
 * - else `<provider>:mac:<hex>`: the first 16 bytes of the MAC under the current secret,
 *   the same for every spelling of one signature (it is the decoded bytes that matched). A
 *   delivery matched by an older secret is re-MACed under the current one (a rotation-only
 *   cost), so one content signed with two secrets is still one key;
 * - none when the MAC does not cover the body or the row opts out (`dedupFallback: 'none'`):
 *   such a MAC is the same for distinct deliveries (Xplenty metadata, a signed `Date` alone),
 *   and keying on it would acknowledge real deliveries unprocessed.
 */
function replayKeyOf(a: Attempt, webhook: VerifiedWebhook, currentMac: (a: Attempt) => Maybe<Uint8Array>): Maybe<string | undefined> {
  const parsed = a.parsed as ParsedSignature
  if (parsed.deliveryIdSigned === true && webhook.deliveryId !== undefined) return `${webhook.provider}:id:${webhook.deliveryId}`
  // an ignored body (Designer Cloud GET) is no part of the delivery: t.url still identifies it
  const identifies = webhook.bodyAuthenticated || parsed.bodyIgnored === true
  if (a.entry.provider.dedupFallback !== 'signature' || !identifies || a.signature === undefined) return undefined
  if (a.secretIndex === 0) return macKey(a.signature, webhook.provider)
  return andThen(currentMac(a), macKey, webhook.provider)
}

/** 16 bytes of a MAC are 128 bits: no collision between deliveries, a short key in the store. */
function macKey(mac: Uint8Array, provider: string): string {
  return `${provider}:mac:${bytesToHex(mac.subarray(0, 16))}`
}

function outcome(claimed: VerifiedWebhook | Failure): CheckResult {
  return isFailure(claimed) ? claimed : { ok: true, webhook: claimed }
}

/**
 * The key of the user's `deliveryKey`, under the provider's name; `undefined` skips dedup.
 *
 * @example
 * ownKey(policy, webhook) // 'designer-cloud:42:Complete' with deliveryKey: (w) => `${w.payload.jobId}:${w.payload.jobStatus}`
 */
function ownKey(policy: ReplayPolicy, webhook: VerifiedWebhook): string | undefined {
  const own = (policy.deliveryKey as NonNullable<ReplayPolicy['deliveryKey']>)(webhook)
  return own === undefined ? undefined : `${webhook.provider}:${own}`
}

/** The result's claim fields, filled in once the claim is taken: the object keeps its shape. */
type Held = { -readonly [K in 'replayKey' | 'complete' | 'abort']: VerifiedWebhook[K] }

/**
 * Begins the claim of a verified delivery under `key`: `webhook` itself, now holding
 * the claim (`replayKey`, `complete`, `abort`), or `DUPLICATE_DELIVERY` (200 processed, 409 in
 * flight) or `STORE_UNAVAILABLE`. Without a key, or without a store, nothing is claimed.
 *
 * @example
 * const held = await beginClaim(policy, 'orchest:mac:5f1c…', webhook, 3 * 86_400)
 * if (!isFailure(held)) { await work(held); await held.complete() }
 */
function beginClaim(
  policy: ReplayPolicy,
  key: string | undefined,
  webhook: VerifiedWebhook,
  retryWindowSeconds: number,
): Maybe<VerifiedWebhook | Failure> {
  if (key === undefined) return webhook
  if (policy.store === undefined) {
    ;(webhook as Held).replayKey = key
    return webhook
  }
  const timing: LeaseTiming = { leaseMs: policy.leaseMs, ttlMs: policy.ttlMs ?? retryWindowSeconds * 1000, maxHoldMs: policy.maxHoldMs }
  return claimIn(policy.store, key, webhook, timing)
}

/**
 * Takes the claim of `key` and answers a duplicate or an unavailable store as a failure;
 * once taken, the webhook's `complete`/`abort` end this claim.
 */
async function claimIn(store: ReplayStore, key: string, webhook: VerifiedWebhook, timing: LeaseTiming): Promise<VerifiedWebhook | Failure> {
  let taken: Awaited<ReturnType<typeof takeClaim>>
  try {
    taken = await takeClaim(store, key, timing)
  } catch (error) {
    const code = (error as { code?: unknown })?.code
    return fail('STORE_UNAVAILABLE', 'The replay store did not answer; retry later', {
      provider: webhook.provider,
      retryAfter: (error as { retryAfter?: number })?.retryAfter ?? 5,
      status: code === 'STORE_UNAVAILABLE' ? (error as { status?: number }).status : undefined,
    })
  }
  if (taken === 'done') {
    return fail('DUPLICATE_DELIVERY', `Delivery ${webhook.deliveryId ?? '(by signature)'} was already processed`, {
      provider: webhook.provider,
      status: 200,
    })
  }
  if (taken === 'in-flight') {
    return fail('DUPLICATE_DELIVERY', `Delivery ${webhook.deliveryId ?? '(by signature)'} is being processed right now`, {
      provider: webhook.provider,
      status: 409,
      retryAfter: Math.max(1, Math.ceil(timing.leaseMs / 1000)),
    })
  }
  // the claim's own methods: each acts only on this attempt's claim and stops its renewal
  const held = webhook as Held
  held.replayKey = key
  held.complete = taken.complete.bind(taken)
  held.abort = taken.abort.bind(taken)
  return webhook
}
