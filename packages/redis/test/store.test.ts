/**
 * RedisReplayStore against scripted fake clients: client detection, options, timeouts, failOpen
 * and error mapping, with no Redis needed. The real-server behaviour is in redis.test.ts.
 */
import { WebhookVerificationError } from '@hookproof/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { RedisReplayStore } from '../src/index.js'

type Reply = (...args: unknown[]) => Promise<unknown>

/** An ioredis-shaped client that records every call and answers with `reply`. */
function fakeIoredis(reply: Reply = async () => 'new') {
  const calls: unknown[][] = []
  const method =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push([name, ...args])
      return reply(name, ...args)
    }
  return { calls, client: { evalsha: method('evalsha'), eval: method('eval'), set: method('set'), del: method('del') } }
}

/** A node-redis-shaped client (camelCase `evalSha`, options objects). */
function fakeNodeRedis(reply: Reply = async () => 'new') {
  const calls: unknown[][] = []
  const method =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push([name, ...args])
      return reply(name, ...args)
    }
  return { calls, client: { evalSha: method('evalSha'), eval: method('eval'), set: method('set'), del: method('del') } }
}

const never = () => new Promise<never>(() => {})

afterEach(() => {
  vi.useRealTimers()
})

describe('RedisReplayStore options', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a plain object', {}],
    ['a URL string', 'redis://localhost:6379'],
    ['an object with only get/set', { get: async () => null, set: async () => 'OK' }],
  ])('new RedisReplayStore({ client: %s }) throws a TypeError naming both supported clients', (_, client) => {
    expect(() => new RedisReplayStore({ client: client as never })).toThrow(TypeError)
    expect(() => new RedisReplayStore({ client: client as never })).toThrow(/ioredis|node-redis/)
  })

  it('new RedisReplayStore() without options throws a TypeError', () => {
    expect(() => new (RedisReplayStore as unknown as new () => unknown)()).toThrow(TypeError)
  })

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY, '1000'])('timeoutMs: %s throws a TypeError naming timeoutMs', (timeoutMs) => {
    const { client } = fakeIoredis()
    expect(() => new RedisReplayStore({ client, timeoutMs: timeoutMs as number })).toThrow(/timeoutMs/)
  })

  it('a prefix that is not a string throws a TypeError', () => {
    const { client } = fakeIoredis()
    expect(() => new RedisReplayStore({ client, prefix: 42 as unknown as string })).toThrow(TypeError)
  })

  it('a logger without warn() throws a TypeError', () => {
    const { client } = fakeIoredis()
    expect(() => new RedisReplayStore({ client, logger: {} as never })).toThrow(/logger/)
  })

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    'begin(key, %s) rejects with a TypeError and sends nothing to Redis',
    async (leaseMs) => {
      const { client, calls } = fakeIoredis()
      const store = new RedisReplayStore({ client })
      await expect(store.begin('orchest:a', leaseMs)).rejects.toThrow(TypeError)
      await expect(store.complete('orchest:a', leaseMs)).rejects.toThrow(/ttlMs/)
      expect(calls).toEqual([])
    },
  )
})

describe('RedisReplayStore commands', () => {
  it('with an ioredis client: begin sends EVAL once, then EVALSHA, with the prefixed key and a whole-ms lease', async () => {
    const { client, calls } = fakeIoredis()
    const store = new RedisReplayStore({ client })
    expect(await store.begin('orchest:d1', 1500.2)).toBe('new')
    expect(await store.begin('orchest:d2', 30_000)).toBe('new')
    expect(calls[0]?.[0]).toBe('eval')
    expect(calls[0]?.slice(2)).toEqual([1, 'hookproof:orchest:d1', '1501'])
    expect(calls[1]).toEqual(['evalsha', expect.stringMatching(/^[0-9a-f]{40}$/), 1, 'hookproof:orchest:d2', '30000'])
    expect(calls).toHaveLength(2)
  })

  it('with an ioredis client: complete is SET key done PX ttl and abort is DEL key', async () => {
    const { client, calls } = fakeIoredis(async () => 'OK')
    const store = new RedisReplayStore({ client, prefix: 'rx:' })
    await store.complete('github:g1', 86_400_000)
    await store.abort('github:g2')
    expect(calls).toEqual([
      ['set', 'rx:github:g1', 'done', 'PX', '86400000'],
      ['del', 'rx:github:g2'],
    ])
  })

  it('with a node-redis client: the same commands in its calling convention', async () => {
    const { client, calls } = fakeNodeRedis(async (name) => (name === 'set' ? 'OK' : name === 'del' ? 1 : 'done'))
    const store = new RedisReplayStore({ client })
    expect(await store.begin('up42:m1', 60_000)).toBe('done')
    expect(await store.begin('up42:m1', 60_000)).toBe('done')
    await store.complete('up42:m1', 1000)
    await store.abort('up42:m1')
    expect(calls).toEqual([
      ['eval', expect.stringContaining("redis.call('GET', KEYS[1])"), { keys: ['hookproof:up42:m1'], arguments: ['60000'] }],
      ['evalSha', expect.stringMatching(/^[0-9a-f]{40}$/), { keys: ['hookproof:up42:m1'], arguments: ['60000'] }],
      ['set', 'hookproof:up42:m1', 'done', { PX: 1000 }],
      ['del', 'hookproof:up42:m1'],
    ])
  })

  it('with an owner: begin passes it after the lease; renew, complete and abort run owner-checking scripts', async () => {
    const { client, calls } = fakeIoredis(async (_name, script) => (typeof script === 'string' && script.includes('PEXPIRE') ? 1 : 'new'))
    const store = new RedisReplayStore({ client, prefix: 'rx:' })
    expect(await store.begin('orchest:o', 3000, 'owner-1')).toBe('new')
    expect(await store.renew('orchest:o', 3000, 'owner-1')).toBe(true)
    await store.complete('orchest:o', 60_000, 'owner-1')
    await store.abort('orchest:o', 'owner-1')
    expect(calls.map((c) => [c[0], ...c.slice(2)])).toEqual([
      ['eval', 1, 'rx:orchest:o', '3000', 'owner-1'],
      ['eval', 1, 'rx:orchest:o', '3000', 'owner-1'],
      ['eval', 1, 'rx:orchest:o', '60000', 'owner-1'],
      ['eval', 1, 'rx:orchest:o', 'owner-1'],
    ])
    expect(String(calls[1]?.[1])).toContain("'in-flight:' .. ARGV[2]")
    expect(String(calls[3]?.[1])).toContain("redis.call('DEL', KEYS[1])")
  })

  it('renew answers false when the script says the claim is no longer ours', async () => {
    const { client } = fakeNodeRedis(async () => 0)
    expect(await new RedisReplayStore({ client }).renew('k', 1000, 'owner-1')).toBe(false)
  })

  it.each(['', 42, 'x'.repeat(201)])(
    'an owner token %j that is not a short non-empty string rejects with a TypeError and sends nothing',
    async (owner) => {
      const { client, calls } = fakeIoredis()
      const store = new RedisReplayStore({ client })
      await expect(store.begin('k', 1000, owner as string)).rejects.toThrow(TypeError)
      await expect(store.renew('k', 1000, owner as string)).rejects.toThrow(TypeError)
      await expect(store.complete('k', 1000, owner as string)).rejects.toThrow(TypeError)
      await expect(store.abort('k', owner as string)).rejects.toThrow(TypeError)
      expect(calls).toEqual([])
    },
  )

  it('with a node-redis v4 client in legacyMode: uses the promise API under .v4', async () => {
    const { client, calls } = fakeNodeRedis(async () => 'in-flight')
    const legacy = { v4: client, set: () => undefined, del: () => undefined, eval: () => undefined }
    const store = new RedisReplayStore({ client: legacy as never })
    expect(await store.begin('k', 1000)).toBe('in-flight')
    expect(calls[0]?.[0]).toBe('eval')
  })

  it('decodes a Buffer reply (clients set to return buffers)', async () => {
    const { client } = fakeIoredis(async () => Buffer.from('in-flight'))
    expect(await new RedisReplayStore({ client }).begin('k', 1000)).toBe('in-flight')
  })

  it('after NOSCRIPT (Redis restarted or SCRIPT FLUSH) begin sends the script again and answers', async () => {
    let flushed = false
    const { client, calls } = fakeIoredis(async (name) => {
      if (name === 'evalsha' && flushed) throw new Error('NOSCRIPT No matching script. Please use EVAL.')
      return 'new'
    })
    const store = new RedisReplayStore({ client })
    await store.begin('a', 1000)
    flushed = true
    expect(await store.begin('b', 1000)).toBe('new')
    expect(calls.map((c) => c[0])).toEqual(['eval', 'evalsha', 'eval'])
  })

  it('an error other than NOSCRIPT is not retried', async () => {
    const { client, calls } = fakeIoredis(async (name) => {
      if (name === 'evalsha') throw new Error('READONLY You cannot write against a read only replica.')
      return 'new'
    })
    const store = new RedisReplayStore({ client })
    await store.begin('a', 1000)
    await expect(store.begin('b', 1000)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
    expect(calls.map((c) => c[0])).toEqual(['eval', 'evalsha'])
  })
})

describe('RedisReplayStore when Redis fails', () => {
  it('a hung client: begin rejects with STORE_UNAVAILABLE, status 503, retryAfter 5, once timeoutMs has passed', async () => {
    vi.useFakeTimers()
    const { client } = fakeIoredis(never)
    const store = new RedisReplayStore({ client, timeoutMs: 250 })
    const outcome = store.begin('orchest:hung', 60_000).then(
      () => 'resolved',
      (error: unknown) => error,
    )
    await vi.advanceTimersByTimeAsync(249)
    let settled = false
    void outcome.then(() => {
      settled = true
    })
    await Promise.resolve()
    expect(settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const error = await outcome
    expect(error).toBeInstanceOf(WebhookVerificationError)
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503, retryAfter: 5 })
    expect((error as Error).message).toMatch(/250 ms/)
  })

  it('a hung client: complete and abort also reject with STORE_UNAVAILABLE instead of hanging', async () => {
    vi.useFakeTimers()
    const { client } = fakeNodeRedis(never)
    const store = new RedisReplayStore({ client, timeoutMs: 100 })
    const complete = expect(store.complete('k', 1000)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
    const abort = expect(store.abort('k')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
    await vi.advanceTimersByTimeAsync(100)
    await complete
    await abort
  })

  it('leaves no timer behind after a command that answered', async () => {
    vi.useFakeTimers()
    const { client } = fakeIoredis(async (name) => (name === 'eval' || name === 'evalsha' ? 'new' : 'OK'))
    const store = new RedisReplayStore({ client, timeoutMs: 60_000 })
    await store.begin('k', 1000)
    await store.complete('k', 1000)
    await store.abort('k')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('leaves no timer behind after a command that failed', async () => {
    vi.useFakeTimers()
    const { client } = fakeIoredis(async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6379')
    })
    const store = new RedisReplayStore({ client, timeoutMs: 60_000 })
    await expect(store.begin('k', 1000)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a client error becomes STORE_UNAVAILABLE with the original error as cause and its message', async () => {
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:6379')
    const { client } = fakeIoredis(async () => {
      throw refused
    })
    const store = new RedisReplayStore({ client })
    const error = await store.begin('k', 1000).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WebhookVerificationError)
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503, retryAfter: 5, cause: refused })
    expect((error as Error).message).toContain('ECONNREFUSED')
  })

  it('a key holding foreign data under the prefix fails closed rather than guessing', async () => {
    const { client } = fakeIoredis(async () => 'some other value')
    const store = new RedisReplayStore({ client })
    await expect(store.begin('k', 1000)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
  })

  it('a client that throws synchronously is mapped too', async () => {
    const client = {
      evalsha: () => {
        throw new Error('Connection is closed.')
      },
      eval: () => {
        throw new Error('Connection is closed.')
      },
      set: async () => 'OK',
      del: async () => 1,
    }
    const store = new RedisReplayStore({ client })
    await expect(store.begin('k', 1000)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
  })
})

describe('RedisReplayStore with failOpen: true', () => {
  it('begin answers new and warns on every call, naming the reason', async () => {
    vi.useFakeTimers()
    const warn = vi.fn()
    const { client } = fakeIoredis(never)
    const store = new RedisReplayStore({ client, timeoutMs: 50, failOpen: true, logger: { warn } })
    const first = store.begin('orchest:x', 1000)
    const second = store.begin('orchest:x', 1000)
    await vi.advanceTimersByTimeAsync(50)
    expect(await first).toBe('new')
    expect(await second).toBe('new')
    expect(warn).toHaveBeenCalledTimes(2)
    expect(warn.mock.calls[0]?.[0]).toMatch(/failOpen/)
    expect(warn.mock.calls[0]?.[0]).toMatch(/50 ms/)
  })

  it('complete and abort resolve and warn that dedup is lost', async () => {
    const warn = vi.fn()
    const { client } = fakeNodeRedis(async () => {
      throw new Error('The client is closed')
    })
    const store = new RedisReplayStore({ client, failOpen: true, logger: { warn } })
    await expect(store.complete('k', 1000)).resolves.toBeUndefined()
    await expect(store.abort('k')).resolves.toBeUndefined()
    expect(warn).toHaveBeenCalledTimes(2)
    expect(warn.mock.calls[0]?.[0]).toMatch(/The client is closed/)
    expect(warn.mock.calls[0]?.[0]).toMatch(/processed again/)
  })

  it('renew answers false and warns when Redis fails (the lease then lapses); without failOpen it rejects', async () => {
    const warn = vi.fn()
    const broken = async () => {
      throw new Error('ECONNRESET')
    }
    const open = new RedisReplayStore({ client: fakeIoredis(broken).client, failOpen: true, logger: { warn } })
    expect(await open.renew('k', 1000, 'owner-1')).toBe(false)
    expect(warn.mock.calls[0]?.[0]).toMatch(/not extended/)
    const closed = new RedisReplayStore({ client: fakeIoredis(broken).client })
    await expect(closed.renew('k', 1000, 'owner-1')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
  })

  it('defaults its logger to console.warn', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const { client } = fakeIoredis(async () => {
        throw new Error('ECONNRESET')
      })
      expect(await new RedisReplayStore({ client, failOpen: true }).begin('k', 1000)).toBe('new')
      expect(warn).toHaveBeenCalledTimes(1)
    } finally {
      warn.mockRestore()
    }
  })

  it('does not warn when Redis answers', async () => {
    const warn = vi.fn()
    const { client } = fakeIoredis()
    await new RedisReplayStore({ client, failOpen: true, logger: { warn } }).begin('k', 1000)
    expect(warn).not.toHaveBeenCalled()
  })
})
