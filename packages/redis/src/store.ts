import { type BeginResult, type ReplayStore, WebhookVerificationError } from '@hookproof/core'

/**
 * The few methods of an ioredis client (`Redis` or `Cluster`, v5+) the store calls. Declared here
 * so that neither client library is a runtime dependency.
 *
 * @example
 * import { Redis } from 'ioredis'
 * const client: IoredisClientLike = new Redis(process.env.REDIS_URL)
 */
export interface IoredisClientLike {
  evalsha(...args: unknown[]): Promise<unknown>
  eval(...args: unknown[]): Promise<unknown>
  set(...args: unknown[]): Promise<unknown>
  del(...args: unknown[]): Promise<unknown>
}

/**
 * The few methods of a node-redis client (`createClient()` or `createCluster()`, v4+) the store calls.
 *
 * @example
 * import { createClient } from 'redis'
 * const client: NodeRedisClientLike = createClient({ url: process.env.REDIS_URL })
 * await client.connect()
 */
export interface NodeRedisClientLike {
  evalSha(...args: unknown[]): Promise<unknown>
  eval(...args: unknown[]): Promise<unknown>
  set(...args: unknown[]): Promise<unknown>
  del(...args: unknown[]): Promise<unknown>
}

/**
 * A connected client the user created: ioredis or node-redis.
 *
 * @example
 * const client: RedisClientLike = new Redis(process.env.REDIS_URL) // or a connected node-redis createClient()
 */
export type RedisClientLike = IoredisClientLike | NodeRedisClientLike

/**
 * Where warnings go; `console` fits, and so do pino, winston and bunyan loggers.
 *
 * @example
 * const logger: ReplayStoreLogger = console // or a pino / winston / bunyan logger
 */
export interface ReplayStoreLogger {
  warn(message: string, ...details: unknown[]): void
}

/**
 * Options of {@link RedisReplayStore}.
 *
 * @example
 * const options: RedisReplayStoreOptions = { client, prefix: 'billing:', timeoutMs: 500, failOpen: true, logger: console }
 * const replayStore = new RedisReplayStore(options)
 */
export interface RedisReplayStoreOptions {
  /** An ioredis or node-redis (v4+) client you created and connected; the store never opens or closes it. */
  client: RedisClientLike
  /** Prepended to every key. Default `'hookproof:'`. */
  prefix?: string
  /** Longest wait for Redis per call, in ms, before the call fails. Default `1000`. */
  timeoutMs?: number
  /**
   * `false` (default): when Redis is down or slower than `timeoutMs`, calls reject with
   * `STORE_UNAVAILABLE` (503 + `Retry-After`), so the sender retries later and nothing is lost.
   * `true`: `begin` answers `'new'` and `complete`/`abort` resolve, each time with a warning;
   * duplicates may then be processed twice.
   */
  failOpen?: boolean
  /** Receives the warnings of `failOpen`. Default `console`. */
  logger?: ReplayStoreLogger
}

/** Seconds a sender is asked to wait when Redis is unavailable. */
const RETRY_AFTER_SECONDS = 5

/**
 * One round trip, atomic: the current state of the key, or a fresh lease when there is none.
 * An expired lease or TTL is no key at all to Redis, so both come back as `new`.
 */
const BEGIN_SCRIPT = `local state = redis.call('GET', KEYS[1])
if state then return state end
redis.call('SET', KEYS[1], 'in-flight', 'PX', ARGV[1])
return 'new'`

/** SHA-1 of {@link BEGIN_SCRIPT}, as EVALSHA wants it (checked against Redis in the tests). */
const BEGIN_SHA = 'e20c21f8474cc25526d4f7a27893c8b9d3833ec3'

type Operation = 'begin' | 'complete' | 'abort'

interface Commands {
  evalsha(key: string, leaseMs: string): Promise<unknown>
  eval(key: string, leaseMs: string): Promise<unknown>
  set(key: string, value: string, ttlMs: string): Promise<unknown>
  del(key: string): Promise<unknown>
}

/** Picks the calling convention by what the client has: ioredis `evalsha`, node-redis `evalSha`. */
function commandsOf(client: unknown): Commands {
  if (typeof client !== 'object' || client === null) {
    throw new TypeError(`RedisReplayStore: \`client\` must be an ioredis or node-redis client, got ${typeof client}`)
  }
  const c = client as Record<string, unknown>
  if (typeof c.evalsha === 'function') {
    const io = client as IoredisClientLike
    return {
      evalsha: (key, lease) => io.evalsha(BEGIN_SHA, 1, key, lease),
      eval: (key, lease) => io.eval(BEGIN_SCRIPT, 1, key, lease),
      set: (key, value, ttl) => io.set(key, value, 'PX', ttl),
      del: (key) => io.del(key),
    }
  }
  // node-redis v4 in legacyMode keeps the promise API under `.v4`
  const v4 = c.v4 as Record<string, unknown> | undefined
  const node = (typeof c.evalSha === 'function' ? client : v4) as NodeRedisClientLike | undefined
  if (node !== undefined && typeof node.evalSha === 'function') {
    return {
      evalsha: (key, lease) => node.evalSha(BEGIN_SHA, { keys: [key], arguments: [lease] }),
      eval: (key, lease) => node.eval(BEGIN_SCRIPT, { keys: [key], arguments: [lease] }),
      // `PX` rather than v5's `expiration`: the one spelling that v4, v5 and v6 all accept
      set: (key, value, ttl) => node.set(key, value, { PX: Number(ttl) }),
      del: (key) => node.del(key),
    }
  }
  throw new TypeError(
    'RedisReplayStore: `client` must be an ioredis client (new Redis()) or a node-redis client (createClient()); ' +
      'it has neither evalsha() nor evalSha()',
  )
}

/** Whole milliseconds, at least 1: Redis PX takes a positive integer. */
function milliseconds(value: number, name: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`RedisReplayStore: ${name} must be a positive number of ms, got ${String(value)}`)
  }
  return String(Math.max(1, Math.ceil(value)))
}

function text(reply: unknown): string | undefined {
  if (typeof reply === 'string') return reply
  if (reply instanceof Uint8Array) return new TextDecoder().decode(reply)
  return undefined
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT')
}

class Timeout extends Error {}

/**
 * A `ReplayStore` on Redis, shared by every receiver instance that uses the same Redis and
 * prefix. `begin` is one Lua script (one round trip, atomic); `complete` is `SET key done PX ttl`;
 * `abort` is `DEL key`.
 *
 * @example
 * import { Redis } from 'ioredis'
 * import { RedisReplayStore } from '@hookproof/redis'
 *
 * const replayStore = new RedisReplayStore({ client: new Redis(process.env.REDIS_URL) })
 * const verifier = createVerifier({ provider: 'orchest', secret, replayStore })
 * @throws {TypeError} at construction when `client`, `prefix` or `timeoutMs` is not usable.
 */
export class RedisReplayStore implements ReplayStore {
  readonly #commands: Commands
  readonly #prefix: string
  readonly #timeoutMs: number
  readonly #failOpen: boolean
  readonly #logger: ReplayStoreLogger
  /** Whether this store has had Redis load the script; until then it sends EVAL, after it EVALSHA. */
  #scriptLoaded = false

  constructor(options: RedisReplayStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('RedisReplayStore: options with a `client` are required')
    }
    const { client, prefix = 'hookproof:', timeoutMs = 1000, failOpen = false, logger = console } = options
    this.#commands = commandsOf(client)
    if (typeof prefix !== 'string') {
      throw new TypeError(`RedisReplayStore: prefix must be a string, got ${typeof prefix}`)
    }
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new TypeError(`RedisReplayStore: timeoutMs must be a positive number, got ${String(timeoutMs)}`)
    }
    if (typeof logger?.warn !== 'function') {
      throw new TypeError('RedisReplayStore: logger must have a warn() method')
    }
    this.#prefix = prefix
    this.#timeoutMs = timeoutMs
    this.#failOpen = failOpen === true
    this.#logger = logger
  }

  async begin(key: string, leaseMs: number): Promise<BeginResult> {
    const lease = milliseconds(leaseMs, 'leaseMs')
    const redisKey = this.#prefix + key
    let reply: unknown
    try {
      reply = await this.#withTimeout('begin', () => this.#begin(redisKey, lease))
    } catch (error) {
      this.#unavailable('begin', error)
      return 'new'
    }
    const state = text(reply)
    if (state === 'new' || state === 'in-flight' || state === 'done') return state
    // someone else's data under our prefix: neither processing twice nor dropping is safe to guess
    this.#unavailable('begin', new Error(`key ${JSON.stringify(redisKey)} holds ${JSON.stringify(state ?? reply)}, not a replay state`))
    return 'new'
  }

  async complete(key: string, ttlMs: number): Promise<void> {
    const ttl = milliseconds(ttlMs, 'ttlMs')
    try {
      await this.#withTimeout('complete', () => this.#commands.set(this.#prefix + key, 'done', ttl))
    } catch (error) {
      this.#unavailable('complete', error)
    }
  }

  async abort(key: string): Promise<void> {
    try {
      await this.#withTimeout('abort', () => this.#commands.del(this.#prefix + key))
    } catch (error) {
      this.#unavailable('abort', error)
    }
  }

  async #begin(redisKey: string, lease: string): Promise<unknown> {
    if (!this.#scriptLoaded) {
      // EVAL loads the script as it runs it, so even the first begin is one round trip
      const reply = await this.#commands.eval(redisKey, lease)
      this.#scriptLoaded = true
      return reply
    }
    try {
      return await this.#commands.evalsha(redisKey, lease)
    } catch (error) {
      // Redis restarted, failed over or ran SCRIPT FLUSH: send the script itself once more
      if (!isNoScript(error)) throw error
      return await this.#commands.eval(redisKey, lease)
    }
  }

  /** Races the call against `timeoutMs`, so a hung connection never hangs the request. */
  async #withTimeout<T>(operation: Operation, call: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Timeout(`Redis did not answer ${operation} within ${this.#timeoutMs} ms`)), this.#timeoutMs)
    })
    const pending = Promise.resolve().then(call)
    // the losing call may still settle (or fail) after the timeout: never leave it unhandled
    pending.catch(() => {})
    try {
      return await Promise.race([pending, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Fails closed with `STORE_UNAVAILABLE`, or with `failOpen` logs and lets the caller go on. */
  #unavailable(operation: Operation, cause: unknown): void {
    const reason = cause instanceof Timeout ? cause.message : `Redis ${operation} failed: ${describe(cause)}`
    if (this.#failOpen) {
      const outcome =
        operation === 'begin'
          ? 'answering "new": this delivery is not deduplicated'
          : operation === 'complete'
            ? 'the delivery is not recorded as done: a retry of it will be processed again'
            : 'the lease stays until it expires'
      this.#logger.warn(`@hookproof/redis: ${reason}; failOpen is set, so ${outcome}`, cause)
      return
    }
    throw new WebhookVerificationError('STORE_UNAVAILABLE', `${reason}; the sender should retry later`, {
      cause,
      retryAfter: RETRY_AFTER_SECONDS,
    })
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  return String(error)
}
