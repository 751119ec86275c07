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
 * @example
 * const state = await store.begin('orchest:5f1c…', 60_000)
 * if (state === 'new') { try { await handle(); await store.complete(key, ttl) } catch { await store.abort(key) } }
 */
export interface ReplayStore {
  /** Atomically claims `key` for `leaseMs`: `new` if unseen (or its lease expired), else its state. */
  begin(key: string, leaseMs: number): Promise<BeginResult>
  /** The handler succeeded: keep `key` as `done` for `ttlMs`. */
  complete(key: string, ttlMs: number): Promise<void>
  /** The handler failed: forget `key` so the retry is processed. */
  abort(key: string): Promise<void>
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
}

/**
 * The embedded store: one process, bounded (LRU over `maxEntries`) with per-key expiry. For many
 * receiver instances use `RedisReplayStore` from `@hookproof/redis`.
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

  async begin(key: string, leaseMs: number): Promise<BeginResult> {
    const now = this.#now()
    const entry = this.#entries.get(key)
    if (entry !== undefined && entry.expires > now) {
      // refresh recency: a key being retried is the one most worth keeping
      this.#entries.delete(key)
      this.#entries.set(key, entry)
      return entry.state
    }
    if (entry !== undefined) this.#entries.delete(key)
    this.#set(key, { state: 'in-flight', expires: now + leaseMs })
    return 'new'
  }

  async complete(key: string, ttlMs: number): Promise<void> {
    const now = this.#now()
    this.#entries.delete(key)
    this.#set(key, { state: 'done', expires: now + ttlMs })
  }

  async abort(key: string): Promise<void> {
    this.#entries.delete(key)
  }

  #set(key: string, entry: Entry): void {
    this.#entries.set(key, entry)
    if (this.#entries.size > this.#max) {
      // Map order is recency order: the first key is the least recently used. Every key before
      // the iterator was evicted when it passed, so the next one it yields is the oldest live key.
      let next = this.#order?.next()
      if (next === undefined || next.done === true) {
        this.#order = this.#entries.keys()
        next = this.#order.next()
      }
      this.#entries.delete(next.value as string)
    }
  }
}
