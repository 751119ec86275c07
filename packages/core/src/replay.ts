/**
 * At-least-once delivery, processed once. A store claims a delivery key before the handler runs,
 * remembers it when the handler succeeded and frees it when the handler failed, so the sender's
 * retry gets through.
 *
 * @example
 * const state: BeginResult = await store.begin('orchest:5f1c…', 60_000)
 * if (state === 'done') return new Response(null, { status: 200 }) // processed before: acknowledge
 */
export type BeginResult = 'new' | 'in-flight' | 'done'

/**
 * The contract every replay store implements (`MemoryReplayStore`, `@hookproof/redis`).
 *
 * Each claim has an owner: the token the verifier passes to `begin` (a fresh `crypto.randomUUID()`
 * per attempt). `renew`, and `complete`/`abort` given an owner, act only on that owner's claim, so a
 * first attempt that outlived its lease cannot free or finish the claim of the retry that took over.
 * The owner arguments are optional: a store written against the older three-method contract
 * (`begin(key, leaseMs)`, `complete(key, ttlMs)`, `abort(key)`) keeps working, without renewal
 * (a handler slower than `leaseSeconds` can then run twice) and without owner checks.
 *
 * | call | key unseen or expired | held by `owner` | held by another owner | `done` |
 * | --- | --- | --- | --- | --- |
 * | `begin(key, lease, owner)` | claim it: `'new'` | `'in-flight'` | `'in-flight'` | `'done'` |
 * | `renew(key, lease, owner)` | `false` | extend to `lease`: `true` | `false` | `false` |
 * | `complete(key, ttl, owner)` | record `done` | record `done` | no-op | no-op |
 * | `abort(key, owner)` | no-op | delete | no-op | no-op |
 *
 * A late `complete` over an unheld key still records `done`: the handler did succeed, and nobody
 * else is running it. Without `owner`, `complete` always records `done` and `abort` always deletes.
 *
 * @example
 * const owner = crypto.randomUUID()
 * const state = await store.begin(key, 60_000, owner)
 * if (state === 'new') { try { await handle(); await store.complete(key, ttl, owner) } catch { await store.abort(key, owner) } }
 */
export interface ReplayStore {
  /**
   * Atomically claims `key` for `leaseMs` under `owner`: `new` if unseen (or its lease expired),
   * else its state. A `begin` that finds the key never extends its lease.
   */
  begin(key: string, leaseMs: number, owner?: string): Promise<BeginResult>
  /**
   * Extends `owner`'s claim to `leaseMs` from now. `false` when the claim is no longer `owner`'s
   * (expired, taken over, completed or evicted): the caller stops renewing. Optional; without it
   * a claim lasts one lease.
   */
  renew?(key: string, leaseMs: number, owner: string): Promise<boolean>
  /** The handler succeeded: keep `key` as `done` for `ttlMs`. No-op while another owner holds it. */
  complete(key: string, ttlMs: number, owner?: string): Promise<void>
  /** The handler failed: forget `key` so the retry is processed. No-op unless `owner` holds it. */
  abort(key: string, owner?: string): Promise<void>
}

/**
 * Options of {@link MemoryReplayStore}.
 *
 * @example
 * const replayStore = new MemoryReplayStore({ maxEntries: 50_000 })
 */
export interface MemoryReplayStoreOptions {
  /** Most keys kept; the least recently used goes first. Default 10 000. */
  maxEntries?: number
  /** Clock in ms, for tests. Default `Date.now`. */
  now?: () => number
}

interface Entry {
  state: 'in-flight' | 'done'
  expires: number
  /** The claim's owner token; `undefined` for claims made without one (the older contract). */
  owner: string | undefined
}

/**
 * The embedded store: one process, bounded to `maxEntries` with per-key expiry. For many
 * receiver instances use `RedisReplayStore` from `@hookproof/redis`.
 *
 * When full it drops expired keys first, then the least recently *written* one. Only writes by a
 * claim's owner (`begin` of a new key, `renew`, `complete`) move a key to the back; a `begin` that
 * finds a key does not, so replaying captured deliveries cannot shield their keys and make a
 * processed one go sooner than `maxEntries` newer writes force.
 *
 * @example
 * const verifier = createVerifier({ provider: 'orchest', secret, replayStore: new MemoryReplayStore({ maxEntries: 50_000 }) })
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #entries = new Map<string, Entry>()
  /**
   * One long-lived iterator over the keys, standing just before the oldest one. A fresh
   * `keys().next()` walks every deleted slot V8 keeps at the front of the table (each refresh and
   * eviction leaves one): at 10 000 keys that was ~3 µs on every insert once the store was full.
   */
  #order: Iterator<string> | undefined
  readonly #max: number
  readonly #now: () => number
  /** Evictions left before the next sweep of expired keys: one O(n) pass per n/4 evictions. */
  #untilSweep = 0

  constructor(options: MemoryReplayStoreOptions = {}) {
    const max = options.maxEntries ?? 10_000
    if (!Number.isInteger(max) || max < 1) {
      throw new TypeError(`MemoryReplayStore: maxEntries must be a positive integer, got ${String(max)}`)
    }
    this.#max = max
    this.#now = options.now ?? Date.now
  }

  /** Number of keys held (expired keys are dropped lazily). */
  get size(): number {
    return this.#entries.size
  }

  async begin(key: string, leaseMs: number, owner?: string): Promise<BeginResult> {
    const now = this.#now()
    const entry = this.#entries.get(key)
    // no recency refresh here: anyone holding a capture can call begin, only owners write
    if (entry !== undefined && entry.expires > now) return entry.state
    if (entry !== undefined) this.#entries.delete(key)
    this.#set(key, { state: 'in-flight', expires: now + leaseMs, owner })
    return 'new'
  }

  async renew(key: string, leaseMs: number, owner: string): Promise<boolean> {
    const now = this.#now()
    const entry = this.#entries.get(key)
    if (entry === undefined || entry.expires <= now || entry.state !== 'in-flight' || entry.owner !== owner) return false
    entry.expires = now + leaseMs
    // a claim still being worked on is the last one to evict
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    return true
  }

  async complete(key: string, ttlMs: number, owner?: string): Promise<void> {
    const now = this.#now()
    if (owner !== undefined) {
      const entry = this.#entries.get(key)
      if (entry !== undefined && entry.expires > now && (entry.state === 'done' || entry.owner !== owner)) return
    }
    this.#entries.delete(key)
    this.#set(key, { state: 'done', expires: now + ttlMs, owner: undefined })
  }

  async abort(key: string, owner?: string): Promise<void> {
    if (owner !== undefined) {
      const entry = this.#entries.get(key)
      if (entry === undefined || entry.state !== 'in-flight' || entry.owner !== owner) return
    }
    this.#entries.delete(key)
  }

  #set(key: string, entry: Entry): void {
    this.#entries.set(key, entry)
    if (this.#entries.size <= this.#max) return
    if (this.#untilSweep <= 0) {
      this.#untilSweep = Math.max(1, this.#max >> 2)
      const now = this.#now()
      for (const [k, e] of this.#entries) if (e.expires <= now) this.#entries.delete(k)
      if (this.#entries.size <= this.#max) return
    }
    this.#untilSweep--
    // Map order is write order: the first key is the least recently written. Every key before
    // the iterator was evicted when it passed, so the next one it yields is the oldest live key.
    let next = this.#order?.next()
    if (next === undefined || next.done === true) {
      this.#order = this.#entries.keys()
      next = this.#order.next()
    }
    this.#entries.delete(next.value as string)
  }
}
