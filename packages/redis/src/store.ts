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

/** A Lua script and its SHA-1, as EVALSHA wants it (a wrong SHA shows as EVAL on every call in the MONITOR test). */
interface Script {
  readonly source: string
  readonly sha: string
}

/**
 * One round trip, atomic: the current state of the key, or a fresh lease when there is none. The
 * claim is stored as `in-flight:<owner>` (plain `in-flight` for callers that pass no owner) and
 * answered as `in-flight`. An expired lease or TTL is no key at all to Redis, so both come back as `new`.
 */
const BEGIN: Script = {
  source: `local state = redis.call('GET', KEYS[1])
if state then
  if string.sub(state, 1, 10) == 'in-flight:' then return 'in-flight' end
  return state
end
local claim = 'in-flight'
if ARGV[2] then claim = 'in-flight:' .. ARGV[2] end
redis.call('SET', KEYS[1], claim, 'PX', ARGV[1])
return 'new'`,
  sha: '2e53d951bd398afb88110b26e660545f42b98404',
}

/** Extends the lease only while the key still holds this owner's claim. */
const RENEW: Script = {
  source: `if redis.call('GET', KEYS[1]) == 'in-flight:' .. ARGV[2] then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return 1
end
return 0`,
  sha: '46b10f025087e984184102fa998fcce434b1695b',
}

/** Records `done` unless another owner's claim (or an earlier `done`) holds the key. */
const COMPLETE: Script = {
  source: `local state = redis.call('GET', KEYS[1])
if state and state ~= 'in-flight:' .. ARGV[2] then return 0 end
redis.call('SET', KEYS[1], 'done', 'PX', ARGV[1])
return 1`,
  sha: 'f61dcf61733af261013b8472bf47cd691f876f6c',
}

/** Deletes the key only while it holds this owner's claim. */
const ABORT: Script = {
  source: `if redis.call('GET', KEYS[1]) == 'in-flight:' .. ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`,
  sha: 'b028492c8ffa4b897a1d4e6ecfd15afcb5ceeb81',
}

type Operation = 'begin' | 'renew' | 'complete' | 'abort'

interface Commands {
  evalsha(sha: string, key: string, args: readonly string[]): Promise<unknown>
  eval(source: string, key: string, args: readonly string[]): Promise<unknown>
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
      evalsha: (sha, key, args) => io.evalsha(sha, 1, key, ...args),
      eval: (source, key, args) => io.eval(source, 1, key, ...args),
      set: (key, value, ttl) => io.set(key, value, 'PX', ttl),
      del: (key) => io.del(key),
    }
  }
  // node-redis v4 in legacyMode keeps the promise API under `.v4`
  const v4 = c.v4 as Record<string, unknown> | undefined
  const node = (typeof c.evalSha === 'function' ? client : v4) as NodeRedisClientLike | undefined
  if (node !== undefined && typeof node.evalSha === 'function') {
    return {
      evalsha: (sha, key, args) => node.evalSha(sha, { keys: [key], arguments: [...args] }),
      eval: (source, key, args) => node.eval(source, { keys: [key], arguments: [...args] }),
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
 * prefix. Every call is one round trip. `begin` is one atomic Lua script that stores the claim with
 * its owner; `renew`, and `complete`/`abort` given an owner, are Lua scripts that compare the
 * owner atomically, so a late first attempt can neither free nor finish a retry's claim. Without
 * an owner (the older contract) `complete` is `SET key done PX ttl` and `abort` is `DEL key`.
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
  /** Scripts this store has had Redis load; until then it sends EVAL, after it EVALSHA. */
  readonly #loaded = new Set<Script>()

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

  async begin(key: string, leaseMs: number, owner?: string): Promise<BeginResult> {
    const lease = milliseconds(leaseMs, 'leaseMs')
    const redisKey = this.#prefix + key
    const args = owner === undefined ? [lease] : [lease, ownerToken(owner)]
    let reply: unknown
    try {
      reply = await this.#withTimeout('begin', () => this.#run(BEGIN, redisKey, args))
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

  /**
   * Extends `owner`'s claim to `leaseMs` from now; `false` when the key no longer holds it
   * (expired, taken over by another owner, completed).
   */
  async renew(key: string, leaseMs: number, owner: string): Promise<boolean> {
    const lease = milliseconds(leaseMs, 'leaseMs')
    const token = ownerToken(owner)
    try {
      const reply = await this.#withTimeout('renew', () => this.#run(RENEW, this.#prefix + key, [lease, token]))
      return Number(reply) === 1
    } catch (error) {
      this.#unavailable('renew', error)
      return false
    }
  }

  async complete(key: string, ttlMs: number, owner?: string): Promise<void> {
    const ttl = milliseconds(ttlMs, 'ttlMs')
    const redisKey = this.#prefix + key
    const token = owner === undefined ? undefined : ownerToken(owner)
    try {
      if (token === undefined) await this.#withTimeout('complete', () => this.#commands.set(redisKey, 'done', ttl))
      else await this.#withTimeout('complete', () => this.#run(COMPLETE, redisKey, [ttl, token]))
    } catch (error) {
      this.#unavailable('complete', error)
    }
  }

  async abort(key: string, owner?: string): Promise<void> {
    const redisKey = this.#prefix + key
    const token = owner === undefined ? undefined : ownerToken(owner)
    try {
      if (token === undefined) await this.#withTimeout('abort', () => this.#commands.del(redisKey))
      else await this.#withTimeout('abort', () => this.#run(ABORT, redisKey, [token]))
    } catch (error) {
      this.#unavailable('abort', error)
    }
  }

  async #run(script: Script, redisKey: string, args: readonly string[]): Promise<unknown> {
    if (!this.#loaded.has(script)) {
      // EVAL loads the script as it runs it, so even the first call is one round trip
      const reply = await this.#commands.eval(script.source, redisKey, args)
      this.#loaded.add(script)
      return reply
    }
    try {
      return await this.#commands.evalsha(script.sha, redisKey, args)
    } catch (error) {
      // Redis restarted, failed over or ran SCRIPT FLUSH: send the script itself once more
      if (!isNoScript(error)) throw error
      return await this.#commands.eval(script.source, redisKey, args)
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
            : operation === 'renew'
              ? 'the lease is not extended and lapses when it runs out'
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

/** An owner token goes into the stored value; one that is not a short plain string is a caller's bug. */
function ownerToken(owner: unknown): string {
  if (typeof owner !== 'string' || owner === '' || owner.length > 200) {
    throw new TypeError('RedisReplayStore: owner must be a non-empty string of at most 200 characters')
  }
  return owner
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  return String(error)
}
