/**
 * What dedup costs per delivery, store by store: run by run.ts as `node --import tsx
 * bench/stores.ts` (sources through the root tsconfig paths). Each delivery is handled the way an
 * adapter does it, one after another on one connection (latency, not throughput):
 *
 * - MemoryReplayStore / RedisReplayStore: `begin` + `complete` (the lease; the effect is not part of it);
 * - PostgresInbox: `has` (the adapters' cheap read) + `run` with one effect INSERT, next to the
 *   same INSERT alone (autocommit) on the same client: the difference is the inbox's overhead.
 *
 * PGlite runs in-process; the server and Redis run on loopback when installed (started here,
 * with the test harnesses; fsync is off on the test server, as on most benchmarks).
 */
import { PGlite } from '@electric-sql/pglite'
import { MemoryReplayStore, type ReplayStore, type VerifiedWebhook } from '@hookproof/core'
import { PostgresInbox } from '@hookproof/postgres'
import { RedisReplayStore } from '@hookproof/redis'
import { Redis } from 'ioredis'
import pg from 'pg'
import { postgresServerAvailable, startPostgresServer } from '../packages/postgres/test/postgres-server.js'
import { redisServerAvailable, startRedisServer } from '../packages/redis/test/redis-server.js'

const quick = process.argv.includes('--quick')
const N = quick ? 300 : 2_000
const ROUNDS = quick ? 2 : 5

export interface StoreRow {
  name: string
  /** Median over rounds of the mean time per delivery, µs. */
  us: number
  min: number
  max: number
  /** For the inbox rows: the same INSERT alone on the same client, µs. */
  baselineUs?: number
  skipped?: string
}

let serial = 0
function webhook(): VerifiedWebhook {
  const id = `bench-${process.pid}-${++serial}`
  return {
    provider: 'orchest',
    event: 'job.done',
    deliveryId: id,
    timestamp: undefined,
    payload: {},
    rawBody: new Uint8Array(0),
    secretIndex: 0,
    bodyAuthenticated: true,
    covered: ['body'],
    replayKey: `orchest:id:${id}`,
    complete: async () => {},
    abort: async () => {},
  }
}

async function time(fn: () => Promise<unknown>): Promise<{ us: number; min: number; max: number }> {
  const means: number[] = []
  for (let warm = 0; warm < Math.min(200, N); warm++) await fn()
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now()
    for (let n = 0; n < N; n++) await fn()
    means.push(((performance.now() - start) * 1000) / N)
  }
  means.sort((a, b) => a - b)
  return { us: means[Math.floor(means.length / 2)] as number, min: means[0] as number, max: means.at(-1) as number }
}

const lease = (store: ReplayStore) => async () => {
  const key = `orchest:id:bench-${++serial}`
  await store.begin(key, 60_000)
  await store.complete(key, 60_000)
}

async function inboxRows(
  name: string,
  client: pg.Pool | PGlite,
  query: (text: string, params: unknown[]) => Promise<unknown>,
  exec: (sql: string) => Promise<unknown>,
): Promise<StoreRow> {
  const table = `bench_effects_${process.pid}`
  await exec(`CREATE TABLE IF NOT EXISTS ${table} (ref text NOT NULL)`)
  const inbox = new PostgresInbox({ client, table: `bench_inbox_${process.pid}` })
  await inbox.migrate()
  const insert = `INSERT INTO ${table} (ref) VALUES ($1)`
  const plain = await time(() => query(insert, [`plain-${++serial}`]))
  const withInbox = await time(async () => {
    const w = webhook()
    if (await inbox.has(w)) return
    await inbox.run(w, (tx) => tx.query(insert, [w.deliveryId]))
  })
  return { name, ...withInbox, baselineUs: plain.us }
}

const rows: StoreRow[] = []
rows.push({ name: 'MemoryReplayStore begin + complete', ...(await time(lease(new MemoryReplayStore()))) })

if (redisServerAvailable()) {
  const server = await startRedisServer()
  const client = new Redis(server.port, '127.0.0.1')
  rows.push({ name: 'RedisReplayStore begin + complete (loopback)', ...(await time(lease(new RedisReplayStore({ client })))) })
  client.disconnect()
  await server.stop()
} else rows.push({ name: 'RedisReplayStore begin + complete (loopback)', us: 0, min: 0, max: 0, skipped: 'redis-server not installed' })

const pglite = new PGlite()
await pglite.waitReady
rows.push(
  await inboxRows(
    'PostgresInbox has + run(1 INSERT), PGlite in-process',
    pglite,
    (text, params) => pglite.query(text, params),
    (sql) => pglite.exec(sql),
  ),
)
await pglite.close()

if (postgresServerAvailable()) {
  const server = await startPostgresServer()
  const pool = new pg.Pool({ connectionString: server.url, max: 2 })
  pool.on('error', () => {}) // idle clients of the stopped server report here
  rows.push(
    await inboxRows(
      'PostgresInbox has + run(1 INSERT), postgres on loopback',
      pool,
      (text, params) => pool.query(text, params),
      (sql) => pool.query(sql),
    ),
  )
  await pool.end()
  await server.destroy()
} else {
  rows.push({ name: 'PostgresInbox has + run(1 INSERT), postgres on loopback', us: 0, min: 0, max: 0, skipped: 'postgres not installed' })
}

process.stdout.write(`@@result ${JSON.stringify({ rows, deliveries: N, rounds: ROUNDS })}\n`)
