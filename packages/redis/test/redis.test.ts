/**
 * RedisReplayStore against a real redis-server started by this file, through both supported
 * clients: the shared ReplayStore contract, the key prefix, one round trip per begin (counted with
 * MONITOR), and what happens when Redis is stopped or hangs.
 */
import { randomUUID } from 'node:crypto'
import { Socket } from 'node:net'
import { createVerifier, sign, WebhookVerificationError } from '@hookproof/core'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { describeReplayStore } from '../../core/test/replay-contract.js'
import { type RedisClientLike, RedisReplayStore } from '../src/index.js'
import { INSTALL_COMMAND, type RedisServer, redisServerAvailable, startRedisServer } from './redis-server.js'

const available = redisServerAvailable()
const ci = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase())

if (!available) {
  const message = `redis-server is not installed, so the @hookproof/redis suite against a real Redis cannot run. Install it with: ${INSTALL_COMMAND}`
  const bar = '!'.repeat(100)
  if (ci) {
    console.error(`\n${bar}\n!!! FAILING (CI=true): ${message}\n${bar}\n`)
    describe('redis-server', () => {
      // the install command is in the test name too, so it shows even in a one-line report
      it(`is installed when CI=true (${INSTALL_COMMAND})`, () => {
        throw new Error(message)
      })
    })
  } else {
    console.warn(`\n${bar}\n!!! SKIPPED: ${message}\n${bar}\n`)
  }
}

type ClientKind = 'ioredis' | 'node-redis'

interface Connection {
  client: RedisClientLike
  close(): Promise<void>
}

async function connect(kind: ClientKind, server: RedisServer): Promise<Connection> {
  if (kind === 'ioredis') {
    const client = new Redis(server.port, server.host, { lazyConnect: true })
    client.on('error', () => {}) // outages are provoked on purpose; the store reports them
    await client.connect()
    return { client, close: async () => void client.disconnect() }
  }
  const client = createClient({
    url: server.url,
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * retries, 500) },
  })
  client.on('error', () => {})
  await client.connect()
  return { client, close: async () => void client.destroy() }
}

/** A unique prefix per store, so tests on one server never see each other's keys. */
const freshPrefix = () => `t-${randomUUID()}:`

/**
 * MONITOR on its own raw connection: every command any client sends, in execution order.
 * Lines look like `+1700000000.123 [0 127.0.0.1:50000] "evalsha" "e20c…" "1" "key" "5000"`.
 */
async function monitor(port: number) {
  const socket = new Socket()
  const lines: string[] = []
  let buffer = ''
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8')
    let end = buffer.indexOf('\r\n')
    while (end !== -1) {
      lines.push(buffer.slice(0, end))
      buffer = buffer.slice(end + 2)
      end = buffer.indexOf('\r\n')
    }
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.connect(port, '127.0.0.1', () => resolve())
  })
  socket.write('MONITOR\r\n')
  await vi.waitFor(() => expect(lines).toContain('+OK'))
  return {
    /** Commands sent by clients (not those run inside the Lua script) that mention `needle`. */
    commandsWith(needle: string): string[] {
      return lines
        .filter((line) => line.includes(needle) && !/^\+[\d.]+ \[\d+ lua\]/.test(line))
        .map((line) => /\] "([^"]+)"/.exec(line)?.[1]?.toLowerCase() ?? line)
    },
    /** Waits until a command mentioning `marker` has been seen: everything sent before it is in. */
    async flush(admin: Redis, marker: string) {
      await admin.echo(marker)
      await vi.waitFor(() => expect(lines.some((line) => line.includes(marker))).toBe(true))
    },
    close: () => socket.destroy(),
  }
}

describe.runIf(available)('RedisReplayStore on a real redis-server', () => {
  let server: RedisServer
  let admin: Redis

  beforeAll(async () => {
    server = await startRedisServer()
    admin = new Redis(server.port, server.host)
  })

  afterAll(async () => {
    admin?.disconnect()
    await server?.stop()
  })

  for (const kind of ['ioredis', 'node-redis'] as const) {
    describe(`with a ${kind} client`, () => {
      let connection: Connection

      beforeAll(async () => {
        connection = await connect(kind, server)
      })

      afterAll(async () => {
        await connection?.close()
      })

      describeReplayStore(`RedisReplayStore (${kind})`, async () => ({
        store: new RedisReplayStore({ client: connection.client, prefix: freshPrefix() }),
      }))

      it('stores keys under the default prefix hookproof:', async () => {
        const key = `orchest:${randomUUID()}`
        const store = new RedisReplayStore({ client: connection.client })
        expect(await store.begin(key, 30_000)).toBe('new')
        expect(await admin.get(`hookproof:${key}`)).toBe('in-flight')
        expect(await admin.exists(key)).toBe(0)
        await store.abort(key)
        expect(await admin.exists(`hookproof:${key}`)).toBe(0)
      })

      it('writes in-flight with the lease as PTTL, then done with the TTL, under a custom prefix', async () => {
        const prefix = freshPrefix()
        const store = new RedisReplayStore({ client: connection.client, prefix })
        expect(await store.begin('github:d-1', 30_000)).toBe('new')
        expect(await admin.get(`${prefix}github:d-1`)).toBe('in-flight')
        const leaseLeft = await admin.pttl(`${prefix}github:d-1`)
        expect(leaseLeft).toBeGreaterThan(0)
        expect(leaseLeft).toBeLessThanOrEqual(30_000)

        await store.complete('github:d-1', 3 * 86_400_000)
        expect(await admin.get(`${prefix}github:d-1`)).toBe('done')
        const ttlLeft = await admin.pttl(`${prefix}github:d-1`)
        expect(ttlLeft).toBeGreaterThan(30_000)
        expect(ttlLeft).toBeLessThanOrEqual(3 * 86_400_000)
      })

      it('two stores with different prefixes on one Redis do not see each other', async () => {
        const a = new RedisReplayStore({ client: connection.client, prefix: freshPrefix() })
        const b = new RedisReplayStore({ client: connection.client, prefix: freshPrefix() })
        expect(await a.begin('orchest:same', 30_000)).toBe('new')
        expect(await b.begin('orchest:same', 30_000)).toBe('new')
      })

      it('sends exactly one command per begin (EVAL once, then EVALSHA), and one per complete and abort', async () => {
        const prefix = freshPrefix()
        const store = new RedisReplayStore({ client: connection.client, prefix })
        const watch = await monitor(server.port)
        try {
          const results: string[] = []
          for (let i = 0; i < 10; i++) results.push(await store.begin(`up42:m-${i % 4}`, 30_000))
          results.push(...(await Promise.all(Array.from({ length: 20 }, () => store.begin('up42:m-9', 30_000)))))
          await store.complete('up42:m-0', 60_000)
          await store.abort('up42:m-1')
          await watch.flush(admin, `${prefix}end`)

          expect(results.filter((r) => r === 'new')).toHaveLength(5)
          const sent = watch.commandsWith(prefix)
          // the last is the ECHO marker
          expect(sent.slice(0, -1)).toEqual(['eval', ...Array.from({ length: 29 }, () => 'evalsha'), 'set', 'del'])
        } finally {
          watch.close()
        }
      })

      it('stores a claim with its owner, answers it as in-flight, and sends one command per owner-aware call (EVAL once per script, then EVALSHA)', async () => {
        const prefix = freshPrefix()
        const store = new RedisReplayStore({ client: connection.client, prefix })
        const watch = await monitor(server.port)
        try {
          expect(await store.begin('orchest:o-1', 30_000, 'owner-1')).toBe('new')
          expect(await admin.get(`${prefix}orchest:o-1`)).toBe('in-flight:owner-1')
          expect(await store.begin('orchest:o-1', 30_000, 'owner-2')).toBe('in-flight')
          for (let i = 0; i < 3; i++) expect(await store.renew('orchest:o-1', 45_000, 'owner-1')).toBe(true)
          expect(await admin.pttl(`${prefix}orchest:o-1`)).toBeGreaterThan(30_000)
          expect(await store.renew('orchest:o-1', 45_000, 'owner-2')).toBe(false)
          await store.abort('orchest:o-1', 'owner-2')
          await store.complete('orchest:o-1', 30_000, 'owner-2')
          expect(await admin.get(`${prefix}orchest:o-1`)).toBe('in-flight:owner-1')
          await store.complete('orchest:o-1', 60_000, 'owner-1')
          expect(await admin.get(`${prefix}orchest:o-1`)).toBe('done')
          expect(await store.begin('orchest:o-2', 30_000, 'owner-1')).toBe('new')
          await store.abort('orchest:o-2', 'owner-1')
          expect(await admin.exists(`${prefix}orchest:o-2`)).toBe(0)
          await watch.flush(admin, `${prefix}end`)
          // the store's own commands (the admin's GET/PTTL/EXISTS checks mention the prefix too):
          // begin, begin, renew x4, abort, complete x2, begin, abort
          const sent = watch.commandsWith(prefix).filter((c) => c.startsWith('eval') || c === 'set' || c === 'del')
          expect(sent).toEqual([
            'eval',
            'evalsha',
            'eval',
            'evalsha',
            'evalsha',
            'evalsha',
            'eval',
            'eval',
            'evalsha',
            'evalsha',
            'evalsha',
          ])
        } finally {
          watch.close()
        }
      })

      it('a claim written without an owner (older receivers) is still answered in-flight and freed by abort() without owner', async () => {
        const store = new RedisReplayStore({ client: connection.client, prefix: freshPrefix() })
        expect(await store.begin('github:legacy', 30_000)).toBe('new')
        expect(await store.begin('github:legacy', 30_000, 'owner-1')).toBe('in-flight')
        expect(await store.renew('github:legacy', 30_000, 'owner-1')).toBe(false)
        await store.abort('github:legacy')
        expect(await store.begin('github:legacy', 30_000, 'owner-1')).toBe('new')
      })

      it('attack: verifier with leaseSeconds 0.3 and a 1 s handler: every retry during it gets 409, the handler runs once', async () => {
        const replayStore = new RedisReplayStore({ client: connection.client, prefix: freshPrefix() })
        const verifier = createVerifier({ provider: 'orchest', secret: 'test-secret-1', replayStore, leaseSeconds: 0.3 })
        const body = JSON.stringify({ event: { type: 'ping', uuid: randomUUID() } })
        const headers = {
          ...(await sign('orchest', { secret: 'test-secret-1', body, id: randomUUID() })),
          'content-type': 'application/json',
        }
        const d = { body: Buffer.from(body), headers }
        const first = await verifier.check(d)
        expect(first.ok).toBe(true)
        const retries: string[] = []
        const started = Date.now()
        while (Date.now() - started < 1_000) {
          await new Promise((resolve) => setTimeout(resolve, 120))
          const again = await verifier.check(d)
          retries.push(again.ok ? 'ran' : `${again.status}`)
        }
        if (first.ok) await first.webhook.complete()
        expect(retries.length).toBeGreaterThanOrEqual(5)
        expect(retries).toEqual(retries.map(() => '409'))
        const after = await verifier.check(d)
        expect(after.ok ? 'ran' : after.status).toBe(200)
      })

      it('after SCRIPT FLUSH begin still answers correctly (NOSCRIPT falls back to EVAL)', async () => {
        const store = new RedisReplayStore({ client: connection.client, prefix: freshPrefix() })
        expect(await store.begin('orchest:before', 30_000)).toBe('new')
        await admin.script('FLUSH')
        expect(await store.begin('orchest:after', 30_000)).toBe('new')
        expect(await store.begin('orchest:after', 30_000)).toBe('in-flight')
        expect(await store.begin('orchest:before', 30_000)).toBe('in-flight')
      })
    })
  }

  it('several receiver instances on separate connections, ioredis and node-redis mixed, share one store: 100 parallel begins give one new', async () => {
    const prefix = freshPrefix()
    const connections = await Promise.all([
      connect('ioredis', server),
      connect('ioredis', server),
      connect('node-redis', server),
      connect('node-redis', server),
    ])
    try {
      const stores = connections.map(({ client }) => new RedisReplayStore({ client, prefix }))
      const [first] = stores
      if (first === undefined) throw new Error('no store')
      const results = await Promise.all(
        Array.from({ length: 25 }).flatMap(() => stores.map((store) => store.begin('orchest:shared', 30_000))),
      )
      expect(results.filter((r) => r === 'new')).toHaveLength(1)
      expect(results.filter((r) => r === 'in-flight')).toHaveLength(99)

      // the instance that got `new` completes; every instance then sees `done`
      await first.complete('orchest:shared', 60_000)
      expect(await Promise.all(stores.map((s) => s.begin('orchest:shared', 30_000)))).toEqual(['done', 'done', 'done', 'done'])
    } finally {
      await Promise.all(connections.map((c) => c.close()))
    }
  })
})

describe.runIf(available)('RedisReplayStore when Redis hangs or goes away', () => {
  let server: RedisServer

  beforeAll(async () => {
    server = await startRedisServer()
  })

  afterAll(async () => {
    server?.resume()
    await server?.stop()
  })

  for (const kind of ['ioredis', 'node-redis'] as const) {
    describe(`with a ${kind} client`, () => {
      let connection: Connection

      beforeAll(async () => {
        connection = await connect(kind, server)
      })

      afterAll(async () => {
        server.resume()
        await connection?.close()
      })

      it('a hung server (SIGSTOP): begin, complete and abort reject with STORE_UNAVAILABLE after timeoutMs', async () => {
        const store = new RedisReplayStore({ client: connection.client, prefix: freshPrefix(), timeoutMs: 300 })
        expect(await store.begin('orchest:warm', 30_000)).toBe('new')
        server.pause()
        try {
          const started = performance.now()
          const error = await store.begin('orchest:hung', 30_000).catch((e: unknown) => e)
          const waited = performance.now() - started
          expect(error).toBeInstanceOf(WebhookVerificationError)
          expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503, retryAfter: 5 })
          expect((error as Error).message).toMatch(/300 ms/)
          // it was the timer that ended the wait, not an early error
          expect(waited).toBeGreaterThanOrEqual(290)

          await expect(store.complete('orchest:warm', 60_000)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
          await expect(store.abort('orchest:warm')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
        } finally {
          server.resume()
        }
        // the client catches up once Redis answers again
        await vi.waitFor(() => store.begin(`probe:${randomUUID()}`, 30_000), { timeout: 5_000, interval: 100 })
        expect(await store.begin('orchest:after-hang', 30_000)).toBe('new')
      })

      it('failOpen: a hung server makes begin answer new and warn each time', async () => {
        const warn = vi.fn()
        const prefix = freshPrefix()
        const store = new RedisReplayStore({
          client: connection.client,
          prefix,
          timeoutMs: 200,
          failOpen: true,
          logger: { warn },
        })
        expect(await store.begin('orchest:dup', 30_000)).toBe('new')
        server.pause()
        try {
          // a duplicate of an in-flight delivery: Redis would say in-flight, failOpen lets it through
          expect(await store.begin('orchest:dup', 30_000)).toBe('new')
          expect(await store.begin('orchest:dup', 30_000)).toBe('new')
          expect(warn).toHaveBeenCalledTimes(2)
          expect(warn.mock.calls[1]?.[0]).toMatch(/failOpen/)
        } finally {
          server.resume()
        }
      })

      it('a stopped server: begin rejects with STORE_UNAVAILABLE; after a restart the same client and store work again', async () => {
        const store = new RedisReplayStore({ client: connection.client, prefix: freshPrefix(), timeoutMs: 300 })
        expect(await store.begin('orchest:before-outage', 30_000)).toBe('new')
        await server.stop()
        try {
          await expect(store.begin('orchest:during', 30_000)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
          await expect(store.complete('orchest:before-outage', 60_000)).rejects.toMatchObject({
            code: 'STORE_UNAVAILABLE',
          })
        } finally {
          await server.start()
        }
        // a restarted Redis has neither the keys (no persistence) nor the script (NOSCRIPT path)
        // each probe uses its own key: a probe that timed out may still run once the client reconnects
        await vi.waitFor(() => store.begin(`probe:${randomUUID()}`, 30_000), { timeout: 10_000, interval: 100 })
        expect(await store.begin('orchest:after', 30_000)).toBe('new')
        expect(await store.begin('orchest:after', 30_000)).toBe('in-flight')
      })
    })
  }
})
