// Claiming a delivery in the replay store: what only a verifier with a `replayStore` runs, loaded
// (lifecycle.beginClaim) with the first delivery it claims, so a Worker without a store bundles none of it.
import { type Failure, fail } from './errors.js'
import { type LeaseTiming, takeClaim } from './lease.js'
import type { ReplayStore } from './replay.js'
import type { VerifiedWebhook } from './verify.js'

type Held = { -readonly [K in 'replayKey' | 'complete' | 'abort']: VerifiedWebhook[K] }

/**
 * @internal Takes the claim of `key` and answers a duplicate or an unavailable store as a failure;
 * once taken, the webhook's `complete`/`abort` end this claim.
 *
 * @example
 * const claimed = await claimIn(store, 'orchest:id:42', webhook, { leaseMs: 60_000, ttlMs: 86_400_000, maxHoldMs: 900_000 })
 */
export async function claimIn(store: ReplayStore, key: string, webhook: VerifiedWebhook, timing: LeaseTiming): Promise<VerifiedWebhook | Failure> {
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
