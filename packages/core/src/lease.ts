import type { BeginResult, ReplayStore } from './replay.js'

/**
 * How a claim is held: the lease each `begin`/`renew` asks for, how long a `done` key is kept, and
 * the longest a claim is renewed for.
 *
 * @example
 * const timing: LeaseTiming = { leaseMs: 60_000, ttlMs: 7 * 86_400_000, maxHoldMs: 15 * 60_000 }
 */
export interface LeaseTiming {
  /** Lease per `begin` and per renewal, in ms. */
  readonly leaseMs: number
  /** How long `complete` keeps the key as `done`, in ms. */
  readonly ttlMs: number
  /**
   * Renewal stops this long after the claim was taken, so a hung or forgotten handler cannot
   * block the sender's retries forever: the lease then lapses within `leaseMs`.
   */
  readonly maxHoldMs: number
}

/**
 * One attempt's claim on a delivery key: its owner token, and the only two ways it ends. Both are
 * idempotent (the first call wins) and stop the renewal timer.
 *
 * @example
 * const taken = await takeClaim(store, 'orchest:…', timing)
 * if (typeof taken !== 'string') { try { await work(); await taken.complete() } catch { await taken.abort() } }
 */
export interface Claim {
  /** The owner token the store holds the key under. */
  readonly owner: string
  /** `true` once renewal stopped before the claim ended: the store said it is no longer ours, failed, or `maxHoldMs` passed. */
  readonly lost: boolean
  /** The handler succeeded: record the key as `done` (only if this claim still holds it, or nobody does). */
  complete(): Promise<void>
  /** The handler failed: free the key for the retry (only if this claim still holds it). */
  abort(): Promise<void>
}

/** At most this often, whatever the lease: a lease of a few ms must not become a busy loop. */
const MIN_RENEW_MS = 50

/**
 * Owner tokens: a random UUID per process (per isolate on Workers) and a counter, so tokens are
 * unique across every instance sharing a store without drawing a UUID per claim. Drawn on the
 * first claim: Workers allow no random values at module scope.
 */
let ownerPrefix: string | undefined
let ownerCount = 0

/**
 * Claims `key` under a fresh owner token and, when the store can `renew`, keeps renewing the lease
 * every `leaseMs / 3` until `complete`/`abort` or `maxHoldMs`. Resolves to the {@link Claim}, or to
 * the state (`'in-flight'`, `'done'`) that kept it from being taken. The timer is unref'd where the
 * runtime allows, so a claim never keeps a process alive; a killed process stops renewing, and
 * the next attempt gets in after one lease. Rejects when `begin` does.
 *
 * @example
 * const taken = await takeClaim(new MemoryReplayStore(), 'orchest:5f1c…', { leaseMs: 60_000, ttlMs: 86_400_000, maxHoldMs: 900_000 })
 * if (taken === 'done') return acknowledge()
 * if (taken === 'in-flight') return retryLater()
 * try { await handle(); await taken.complete() } catch (error) { await taken.abort(); throw error }
 */
export async function takeClaim(store: ReplayStore, key: string, timing: LeaseTiming): Promise<Claim | Exclude<BeginResult, 'new'>> {
  const owner = `${(ownerPrefix ??= crypto.randomUUID())}.${(++ownerCount).toString(36)}`
  const state = await store.begin(key, timing.leaseMs, owner)
  if (state !== 'new') return state
  return new HeldClaim(store, key, owner, timing)
}

/**
 * The claims being renewed, by renewal period: one interval per period renews every claim held
 * with it, so a claim costs a Set entry rather than a timer of its own (a timer per request was
 * about 1 µs in the HTTP bench). The interval stops when its last claim ends.
 */
const renewals = new Map<number, { readonly claims: Set<HeldClaim>; readonly timer: ReturnType<typeof setInterval> }>()

function startRenewing(claim: HeldClaim, every: number): void {
  let group = renewals.get(every)
  if (group === undefined) {
    const claims = new Set<HeldClaim>()
    const timer = setInterval(() => {
      const now = Date.now()
      for (const held of claims) held.tick(now)
    }, every)
    ;(timer as { unref?: () => void }).unref?.()
    group = { claims, timer }
    renewals.set(every, group)
  }
  group.claims.add(claim)
}

function stopRenewing(claim: HeldClaim, every: number): void {
  const group = renewals.get(every)
  if (group === undefined || !group.claims.delete(claim) || group.claims.size > 0) return
  clearInterval(group.timer)
  renewals.delete(every)
}

/** A class rather than closures: one object per claimed request. */
class HeldClaim implements Claim {
  lost = false
  #ended = false
  /** The renewal period while renewing, else 0. */
  #every = 0
  readonly #started = Date.now()
  /** No overlap: a renewal still waiting on the store skips the tick (its store call has its own timeout). */
  #pending = false

  constructor(
    readonly store: ReplayStore,
    readonly key: string,
    readonly owner: string,
    readonly timing: LeaseTiming,
  ) {
    if (typeof store.renew !== 'function' || timing.maxHoldMs <= timing.leaseMs) return
    this.#every = Math.max(MIN_RENEW_MS, Math.floor(timing.leaseMs / 3))
    startRenewing(this, this.#every)
  }

  /**
   * A tick of the shared interval: renewals stay at most one period (a third of a lease) apart, as
   * with a timer per claim. A claim taken just before a tick renews at it, a little early: one
   * store call more for a claim that is held across a tick at all (a webhook handler rarely is).
   */
  tick(now: number): void {
    if (this.#pending || this.#ended) return
    const { leaseMs, maxHoldMs } = this.timing
    const left = maxHoldMs - (now - this.#started)
    if (left <= 0) {
      this.#stop(true)
      return
    }
    this.#pending = true
    // the last renewal asks only for what is left, so the claim lapses at maxHoldMs
    ;(this.store.renew as NonNullable<ReplayStore['renew']>)
      .call(this.store, this.key, Math.min(leaseMs, left), this.owner)
      .then(
        (ours) => {
          if (ours !== true) this.#stop(true)
          else if (left <= leaseMs) this.#stop(false)
        },
        () => this.#stop(true),
      )
      .finally(() => {
        this.#pending = false
      })
  }

  #stop(lost: boolean): void {
    if (this.#every !== 0) stopRenewing(this, this.#every)
    this.#every = 0
    if (lost && !this.#ended) this.lost = true
  }

  complete(): Promise<void> {
    if (this.#ended) return Promise.resolve()
    this.#ended = true
    this.#stop(false)
    return this.store.complete(this.key, this.timing.ttlMs, this.owner)
  }

  abort(): Promise<void> {
    if (this.#ended) return Promise.resolve()
    this.#ended = true
    this.#stop(false)
    return this.store.abort(this.key, this.owner)
  }
}
