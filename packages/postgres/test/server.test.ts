/**
 * The same contract on a real Postgres server (initdb'ed and started by postgres-server.ts)
 * through a `pg` Pool; `record()` inside transactions of pg, postgres.js and Kysely; and what a
 * stopped server answers.
 */
import { PGlite } from '@electric-sql/pglite'
import { WebhookVerificationError } from '@hookproof/core'
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PostgresInbox } from '../src/index.js'
import { describeInbox, webhookFor } from './inbox-contract.js'
import { INSTALL_COMMAND, type PostgresServer, postgresServerAvailable, startPostgresServer } from './postgres-server.js'

const available = postgresServerAvailable()
const ci = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase())

if (!available) {
  const message = `Postgres (initdb, postgres) is not installed, so the server tests of @hookproof/postgres cannot run. Install it with: ${INSTALL_COMMAND}`
  const bar = '!'.repeat(100)
  if (ci) {
    console.error(`\n${bar}\n!!! FAILING (CI=true): ${message}\n${bar}\n`)
    describe('a real Postgres server', () => {
      it(`is needed when CI=true (${INSTALL_COMMAND})`, () => {
        throw new Error(message)
      })
    })
  } else {
    console.warn(`\n${bar}\n!!! SKIPPED: ${message}\n${bar}\n`)
  }
}

/** Inlines `$n` parameters as literals, for the test's own Kysely statements (test values only). */
function bind(text: string, params: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1]
    return typeof value === 'number' ? String(value) : `'${String(value).replaceAll("'", "''")}'`
  })
}

describe.skipIf(!available)('a real Postgres server', () => {
  let server: PostgresServer
  let pool: pg.Pool

  beforeAll(async () => {
    server = await startPostgresServer()
    pool = new pg.Pool({ connectionString: server.url, max: 10 })
    pool.on('error', () => {}) // idle clients of a stopped server report here
  })
  afterAll(async () => {
    await pool?.end().catch(() => {})
    await server?.destroy()
  })

  describeInbox('pg Pool', () => ({
    client: pool,
    query: (text, params) => pool.query(text, params),
    async inTransaction(fn) {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        const value = await fn(client)
        await client.query('COMMIT')
        return value
      } catch (error) {
        await client.query('ROLLBACK')
        throw error
      } finally {
        client.release()
      }
    },
  }))

  describe('postgres.js as the client', () => {
    let sqlJs: ReturnType<typeof postgres>
    beforeAll(() => {
      sqlJs = postgres(server.url, { max: 10, onnotice: () => {} })
    })
    afterAll(() => sqlJs?.end())
    describeInbox('postgres.js', () => ({
      client: sqlJs,
      query: async (text, params) => ({ rows: Array.from(await sqlJs.unsafe(text, (params ?? []) as never[])) }),
      inTransaction: (fn) => sqlJs.begin((tx) => fn(tx)) as Promise<never>,
      txQuery: (tx, text, params) => (tx as postgres.TransactionSql).unsafe(text, params as never[]),
    }))
  })

  describe('Kysely as the client', () => {
    let db: Kysely<Record<string, never>>
    beforeAll(() => {
      const kyselyPool = new pg.Pool({ connectionString: server.url, max: 10 })
      kyselyPool.on('error', () => {}) // idle clients of a stopped server report here
      db = new Kysely({ dialect: new PostgresDialect({ pool: kyselyPool }) })
    })
    afterAll(() => db?.destroy())
    describeInbox('Kysely', () => ({
      client: db,
      query: async (text, params) => ({ rows: (await sql.raw(bind(text, params ?? [])).execute(db)).rows as Record<string, unknown>[] }),
      inTransaction: (fn) => db.transaction().execute((trx) => fn(trx)),
      txQuery: (tx, text, params) => sql.raw(bind(text, params)).execute(tx as Kysely<Record<string, never>>),
    }))
  })

  it('detects a pg Pool, and refuses a single pg Client', () => {
    expect(new PostgresInbox({ client: pool }).client).toBe('pg')
    expect(() => new PostgresInbox({ client: new pg.Client() as never })).toThrow(/single pg Client/)
  })

  it('record() in a postgres.js transaction: new, duplicate, and a rollback forgets it', async () => {
    const sqlJs = postgres(server.url, { max: 2, onnotice: () => {} })
    try {
      const inbox = new PostgresInbox({ client: pool, table: 'inbox_postgresjs' })
      await inbox.migrate()
      await sqlJs`CREATE TABLE IF NOT EXISTS effects_postgresjs (ref text NOT NULL)`
      const webhook = webhookFor('pjs-1')
      const deliver = () =>
        sqlJs.begin(async (tx) => {
          const outcome = await inbox.record(tx, webhook)
          if (outcome === 'new') await tx`INSERT INTO effects_postgresjs (ref) VALUES (${webhook.deliveryId ?? ''})`
          return outcome
        })
      await expect(
        sqlJs.begin(async (tx) => {
          await inbox.record(tx, webhook)
          throw new Error('rolled back')
        }),
      ).rejects.toThrow('rolled back')
      expect(await deliver()).toBe('new')
      expect(await deliver()).toBe('duplicate')
      const [row] = await sqlJs`SELECT count(*)::int AS n FROM effects_postgresjs`
      expect(row?.n).toBe(1)
    } finally {
      await sqlJs.end()
    }
  })

  it('record() in a Kysely transaction (PostgresDialect): new, then duplicate; one effect', async () => {
    const db = new Kysely<{ effects_kysely: { ref: string } }>({ dialect: new PostgresDialect({ pool }) })
    const inbox = new PostgresInbox({ client: pool, table: 'inbox_kysely' })
    await inbox.migrate()
    await sql`CREATE TABLE IF NOT EXISTS effects_kysely (ref text NOT NULL)`.execute(db)
    const webhook = webhookFor('ky-1')
    const deliver = () =>
      db.transaction().execute(async (trx) => {
        const outcome = await inbox.record(trx, webhook)
        if (outcome === 'new') await trx.insertInto('effects_kysely').values({ ref: 'ky-1' }).execute()
        return outcome
      })
    expect(await Promise.all([deliver(), deliver()])).toEqual(expect.arrayContaining(['new', 'duplicate']))
    expect(await deliver()).toBe('duplicate')
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM effects_kysely')
    expect(rows[0].n).toBe(1)
  })

  it('Postgres stopped: STORE_UNAVAILABLE 503 with Retry-After, fn not run, nothing committed; after restart it is processed', async () => {
    const inbox = new PostgresInbox({ client: pool, table: 'inbox_outage' })
    await inbox.migrate()
    await pool.query('CREATE TABLE IF NOT EXISTS effects_outage (ref text NOT NULL)')
    const webhook = webhookFor('outage-1')
    let runs = 0
    const fn = async (tx: { query: (t: string, p?: unknown[]) => Promise<unknown> }) => {
      runs++
      await tx.query('INSERT INTO effects_outage (ref) VALUES ($1)', ['outage-1'])
    }
    await server.stop()
    try {
      const read = await inbox.has(webhook).catch((e: unknown) => e)
      expect(read).toBeInstanceOf(WebhookVerificationError)
      expect(read).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503, retryAfter: 5 })
      const ran = await inbox.run(webhook, fn).catch((e: unknown) => e)
      expect(ran).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503, headers: { 'retry-after': '5' } })
      expect(runs).toBe(0)
    } finally {
      await server.start()
    }
    expect(await inbox.has(webhook)).toBe(false)
    expect(await inbox.run(webhook, fn)).toEqual({ status: 'processed', value: undefined })
    expect((await pool.query('SELECT count(*)::int AS n FROM effects_outage')).rows[0].n).toBe(1)
  })

  it('the server goes away in the middle of fn: STORE_UNAVAILABLE, and neither effect nor record is committed', async () => {
    const inbox = new PostgresInbox({ client: pool, table: 'inbox_midway' })
    await inbox.migrate()
    await pool.query('CREATE TABLE IF NOT EXISTS effects_midway (ref text NOT NULL)')
    const webhook = webhookFor('midway-1')
    const outcome = await inbox
      .run(webhook, async (tx) => {
        await tx.query('INSERT INTO effects_midway (ref) VALUES ($1)', ['midway-1'])
        await server.stop()
        await tx.query('SELECT 1')
      })
      .catch((e: unknown) => e)
    await server.start()
    expect(outcome).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503 })
    expect(await inbox.has(webhook)).toBe(false)
    expect((await pool.query('SELECT count(*)::int AS n FROM effects_midway')).rows[0].n).toBe(0)
  })
})

describe('Kysely over PGlite', () => {
  it('record() in a Kysely transaction (PGliteDialect)', async () => {
    const pglite = new PGlite()
    const db = new Kysely<{ effects: { ref: string } }>({ dialect: new PGliteDialect({ pglite }) })
    try {
      const inbox = new PostgresInbox({ client: pglite })
      await inbox.migrate()
      await sql`CREATE TABLE effects (ref text NOT NULL)`.execute(db)
      const deliver = () =>
        db.transaction().execute(async (trx) => {
          const outcome = await inbox.record(trx, webhookFor('kp-1'))
          if (outcome === 'new') await trx.insertInto('effects').values({ ref: 'kp-1' }).execute()
          return outcome
        })
      expect(await deliver()).toBe('new')
      expect(await deliver()).toBe('duplicate')
      expect((await pglite.query<{ n: number }>('SELECT count(*)::int AS n FROM effects')).rows[0]?.n).toBe(1)
    } finally {
      await db.destroy()
    }
  })
})
