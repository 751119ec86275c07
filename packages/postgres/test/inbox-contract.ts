/**
 * The contract a `PostgresInbox` passes on every client: PGlite in-process (pglite.test.ts) and a
 * real server through a `pg` Pool (server.test.ts). Each test gets its own table.
 */
import type { VerifiedWebhook } from '@hookproof/core'
import { describe, expect, it } from 'vitest'
import { PostgresInbox, type PostgresInboxOptions } from '../src/index.js'

export interface InboxFixture {
  client: PostgresInboxOptions['client']
  /** A plain query on the same database, outside any transaction. */
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>
  /** Runs `fn` inside a transaction of the driver, the way a user would (record()). */
  inTransaction<T>(fn: (tx: unknown) => Promise<T>): Promise<T>
  /** A statement in one of those transactions; default `tx.query(text, params)`. */
  txQuery?(tx: unknown, text: string, params: unknown[]): Promise<unknown>
}

let tables = 0
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** A verified delivery as the verifier builds it; only provider, deliveryId and replayKey matter here. */
export function webhookFor(key: string, provider = 'orchest'): VerifiedWebhook {
  return {
    provider,
    event: 'job.done',
    deliveryId: key,
    timestamp: undefined,
    payload: { key },
    rawBody: new TextEncoder().encode(key),
    secretIndex: 0,
    bodyAuthenticated: true,
    covered: ['body'],
    replayKey: `${provider}:id:${key}`,
    complete: async () => {},
    abort: async () => {},
  }
}

export function describeInbox(name: string, fixture: () => InboxFixture): void {
  async function setup(options: Partial<PostgresInboxOptions> = {}) {
    const f = fixture()
    const table = `inbox_${process.pid}_${++tables}`
    const effects = `${table}_effects`
    const inbox = new PostgresInbox({ client: f.client, table, ...options })
    await inbox.migrate()
    await f.query(`CREATE TABLE ${effects} (id serial PRIMARY KEY, ref text NOT NULL)`)
    const count = async (ref?: string) => {
      const { rows } = await f.query(
        ref === undefined ? `SELECT count(*)::int AS n FROM ${effects}` : `SELECT count(*)::int AS n FROM ${effects} WHERE ref = $1`,
        ref === undefined ? [] : [ref],
      )
      return Number(rows[0]?.n)
    }
    const records = async () => Number((await f.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n)
    return { ...f, inbox, table, effects, count, records }
  }

  describe(`${name}: PostgresInbox contract`, () => {
    it('migrate() is idempotent, also when several run at once', async () => {
      const { inbox, client } = await setup()
      await inbox.migrate()
      const twin = new PostgresInbox({ client, table: `twin_${process.pid}_${++tables}` })
      await Promise.all([twin.migrate(), twin.migrate(), twin.migrate()])
      await twin.migrate()
    })

    it('run(): processed once with the value, then duplicate without running fn', async () => {
      const { inbox, effects, count, records } = await setup()
      const webhook = webhookFor('d-1')
      let runs = 0
      const fn = async (tx: { query: (t: string, p?: unknown[]) => Promise<unknown> }) => {
        runs++
        await tx.query(`INSERT INTO ${effects} (ref) VALUES ($1)`, ['d-1'])
        return 'charged'
      }
      expect(await inbox.has(webhook)).toBe(false)
      expect(await inbox.run(webhook, fn)).toEqual({ status: 'processed', value: 'charged' })
      expect(await inbox.has(webhook)).toBe(true)
      expect(await inbox.run(webhook, fn)).toEqual({ status: 'duplicate' })
      expect(await inbox.run(webhook, fn)).toEqual({ status: 'duplicate' })
      expect(runs).toBe(1)
      expect(await count('d-1')).toBe(1)
      expect(await records()).toBe(1)
    })

    it('tx.query returns rows and rowCount on this client', async () => {
      const { inbox, effects } = await setup()
      const result = await inbox.run(webhookFor('rows'), async (tx) => {
        const inserted = await tx.query<{ id: number }>(`INSERT INTO ${effects} (ref) VALUES ($1), ($2) RETURNING id`, ['a', 'b'])
        return { n: inserted.rowCount, ids: inserted.rows.length, hasClient: tx.client !== undefined }
      })
      expect(result).toEqual({ status: 'processed', value: { n: 2, ids: 2, hasClient: true } })
    })

    it('a throwing fn rolls back the effect and the record, and the retry is processed', async () => {
      const { inbox, effects, count, records } = await setup()
      const webhook = webhookFor('d-2')
      const boom = new Error('handler failed')
      await expect(
        inbox.run(webhook, async (tx) => {
          await tx.query(`INSERT INTO ${effects} (ref) VALUES ($1)`, ['d-2'])
          throw boom
        }),
      ).rejects.toBe(boom)
      expect(await count()).toBe(0)
      expect(await records()).toBe(0)
      expect(await inbox.has(webhook)).toBe(false)
      const retry = await inbox.run(webhook, async (tx) => {
        await tx.query(`INSERT INTO ${effects} (ref) VALUES ($1)`, ['d-2'])
        return 1
      })
      expect(retry).toEqual({ status: 'processed', value: 1 })
      expect(await count('d-2')).toBe(1)
    })

    it('concurrent copies: the second waits on the key, then sees duplicate; one effect', async () => {
      const { inbox, effects, count } = await setup()
      const webhook = webhookFor('d-3')
      let runs = 0
      const fn = async (tx: { query: (t: string, p?: unknown[]) => Promise<unknown> }) => {
        runs++
        await tx.query(`INSERT INTO ${effects} (ref) VALUES ($1)`, ['d-3'])
        await sleep(150) // hold the uncommitted key while the copy arrives
        return runs
      }
      const results = await Promise.all([inbox.run(webhook, fn), inbox.run(webhook, fn), inbox.run(webhook, fn)])
      expect(results.filter((r) => r.status === 'processed')).toHaveLength(1)
      expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(2)
      expect(runs).toBe(1)
      expect(await count('d-3')).toBe(1)
    })

    it('concurrent copies: when the first rolls back, the waiting copy runs', async () => {
      const { inbox, effects, count } = await setup()
      const webhook = webhookFor('d-4')
      let runs = 0
      const fn = async (tx: { query: (t: string, p?: unknown[]) => Promise<unknown> }) => {
        const n = ++runs
        await tx.query(`INSERT INTO ${effects} (ref) VALUES ($1)`, ['d-4'])
        await sleep(100)
        if (n === 1) throw new Error('first attempt fails')
        return n
      }
      // whichever copy takes the key first fails; the other waited on it and then ran
      const settled = await Promise.allSettled([inbox.run(webhook, fn), inbox.run(webhook, fn)])
      expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(1)
      expect(settled.filter((s) => s.status === 'fulfilled')).toEqual([{ status: 'fulfilled', value: { status: 'processed', value: 2 } }])
      expect(await count('d-4')).toBe(1)
    })

    it('100 deliveries, each run by 3 concurrent copies: exactly 100 effects', async () => {
      const { inbox, effects, count } = await setup()
      const fn = (ref: string) => async (tx: { query: (t: string, p?: unknown[]) => Promise<unknown> }) => {
        await tx.query(`INSERT INTO ${effects} (ref) VALUES ($1)`, [ref])
      }
      const jobs = Array.from({ length: 100 }, (_, n) => `many-${n}`).flatMap((ref) =>
        [0, 1, 2].map(() => inbox.run(webhookFor(ref), fn(ref))),
      )
      const results = await Promise.all(jobs)
      expect(results.filter((r) => r.status === 'processed')).toHaveLength(100)
      expect(await count()).toBe(100)
    })

    it("record() inside the user's own transaction: new, then duplicate; a rollback forgets it", async () => {
      const { inbox, effects, count, inTransaction, records, txQuery } = await setup()
      const webhook = webhookFor('d-5')
      const write = (tx: unknown) =>
        txQuery
          ? txQuery(tx, `INSERT INTO ${effects} (ref) VALUES ($1)`, ['d-5'])
          : (tx as { query: (t: string, p: unknown[]) => Promise<unknown> }).query(`INSERT INTO ${effects} (ref) VALUES ($1)`, ['d-5'])
      await expect(
        inTransaction(async (tx) => {
          expect(await inbox.record(tx as never, webhook)).toBe('new')
          await write(tx)
          throw new Error('rolled back')
        }),
      ).rejects.toThrow('rolled back')
      expect(await records()).toBe(0)
      expect(
        await inTransaction(async (tx) => {
          const outcome = await inbox.record(tx as never, webhook)
          if (outcome === 'new') await write(tx)
          return outcome
        }),
      ).toBe('new')
      expect(
        await inTransaction(async (tx) => {
          const outcome = await inbox.record(tx as never, webhook)
          if (outcome === 'new') await write(tx)
          return outcome
        }),
      ).toBe('duplicate')
      expect(await count('d-5')).toBe(1)
      // the tx of run() is a record target too: a second record of the same delivery in it is a duplicate
      const nested = await inbox.run(webhookFor('d-6'), (tx) => inbox.record(tx, webhookFor('d-6')))
      expect(nested).toEqual({ status: 'processed', value: 'duplicate' })
    })

    it('stores the expiry per row from the provider retry window, or retentionSeconds', async () => {
      const { inbox, query, table } = await setup()
      await inbox.run(webhookFor('ttl-orchest', 'orchest'), async () => {})
      await inbox.run(webhookFor('ttl-github', 'github'), async () => {})
      await inbox.run(webhookFor('ttl-custom', 'my-sender'), async () => {})
      const { rows } = await query(
        `SELECT delivery_id, provider, round(extract(epoch FROM expires_at - processed_at))::int AS s FROM ${table} ORDER BY delivery_id`,
      )
      const seconds = Object.fromEntries(rows.map((r) => [r.delivery_id, Number(r.s)]))
      expect(seconds).toEqual({ 'ttl-custom': 7 * 86_400, 'ttl-github': 3 * 86_400, 'ttl-orchest': 7 * 86_400 })
      const short = await setup({ retentionSeconds: 60 })
      await short.inbox.run(webhookFor('ttl-short'), async () => {})
      const r = await short.query(`SELECT round(extract(epoch FROM expires_at - processed_at))::int AS s FROM ${short.table}`)
      expect(Number(r.rows[0]?.s)).toBe(60)
    })

    it('prune() removes only expired records, in batches; an expired key is then processed again', async () => {
      const { inbox, query, table, records } = await setup()
      for (let n = 0; n < 7; n++) await inbox.run(webhookFor(`p-${n}`), async () => {})
      await query(`UPDATE ${table} SET expires_at = now() - interval '1 second' WHERE delivery_id <> 'p-6'`)
      expect(await inbox.prune({ batchSize: 2 })).toEqual({ deleted: 6, batches: 4 })
      expect(await records()).toBe(1)
      expect(await inbox.has(webhookFor('p-6'))).toBe(true)
      expect(await inbox.has(webhookFor('p-0'))).toBe(false)
      expect(await inbox.prune()).toEqual({ deleted: 0, batches: 1 })
      await query(`UPDATE ${table} SET expires_at = now() - interval '1 second'`)
      expect(await inbox.prune({ batchSize: 1, maxBatches: 1 })).toEqual({ deleted: 1, batches: 1 })
    })

    it('a delivery without replayKey is a TypeError naming the fix, before any write', async () => {
      const { inbox, records } = await setup()
      const webhook = { ...webhookFor('nokey'), replayKey: undefined }
      await expect(inbox.run(webhook, async () => 1)).rejects.toThrow(/keyDeliveries/)
      await expect(inbox.has(webhook)).rejects.toThrow(TypeError)
      expect(await records()).toBe(0)
    })
  })
}
