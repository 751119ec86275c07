import { PGlite } from '@electric-sql/pglite'
import { WebhookVerificationError } from '@hookproof/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PostgresInbox } from '../src/index.js'
import { describeInbox, webhookFor } from './inbox-contract.js'

let db: PGlite

beforeAll(async () => {
  db = new PGlite()
  await db.waitReady
})
afterAll(async () => {
  await db?.close()
})

describeInbox('PGlite', () => ({
  client: db,
  query: (text, params) => db.query<Record<string, unknown>>(text, params),
  inTransaction: (fn) => db.transaction((tx) => fn(tx)),
}))

describe('PostgresInbox options', () => {
  it('detects the client', () => {
    expect(new PostgresInbox({ client: db }).client).toBe('pglite')
  })

  it('rejects a bad setup with a TypeError at construction', () => {
    expect(() => new PostgresInbox({ client: {} as never })).toThrow(/pg Pool \(new pg.Pool\(\)\), a PGlite instance/)
    expect(() => new PostgresInbox({ client: null as never })).toThrow(TypeError)
    expect(() => new PostgresInbox(undefined as never)).toThrow(TypeError)
    for (const table of ['', 'a.b.c', 'x; drop table users', '"quoted"', '1abc', 'a-b']) {
      expect(() => new PostgresInbox({ client: db, table }), table).toThrow(/table must be/)
    }
    expect(() => new PostgresInbox({ client: db, retentionSeconds: 0 })).toThrow(/retentionSeconds/)
    expect(() => new PostgresInbox({ client: db, retryAfterSeconds: -1 })).toThrow(/retryAfterSeconds/)
    expect(new PostgresInbox({ client: db, table: 'public.my_inbox' }).client).toBe('pglite')
  })

  it('record() rejects what is not a transaction', async () => {
    const inbox = new PostgresInbox({ client: db })
    await expect(inbox.record({} as never, webhookFor('x'))).rejects.toThrow(/tx must be/)
  })

  it('a closed PGlite: STORE_UNAVAILABLE with Retry-After, fn not run', async () => {
    const closed = new PGlite()
    const inbox = new PostgresInbox({ client: closed, retryAfterSeconds: 7 })
    await inbox.migrate()
    await closed.close()
    let runs = 0
    const error = await inbox.has(webhookFor('down')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WebhookVerificationError)
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503, retryAfter: 7, headers: { 'retry-after': '7' } })
    const failed = await inbox.run(webhookFor('down'), async () => runs++).catch((e: unknown) => e)
    expect(failed).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503 })
    expect(runs).toBe(0)
  })
})

describe('property: any mix of copies, failures and concurrency leaves one effect per delivery that succeeded once', () => {
  it('random schedules over PGlite', async () => {
    const fc = await import('fast-check')
    let round = 0
    await fc.assert(
      fc.asyncProperty(
        // per delivery: its copies, each failing (after its write) or not, sent at once or one by one
        fc.array(fc.record({ copies: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }), together: fc.boolean() }), {
          minLength: 1,
          maxLength: 6,
        }),
        async (deliveries) => {
          const table = `prop_${++round}`
          const inbox = new PostgresInbox({ client: db, table: `${table}_inbox` })
          await inbox.migrate()
          await db.exec(`CREATE TABLE ${table} (ref text NOT NULL)`)
          const attempt = (ref: string, fails: boolean) =>
            inbox
              .run(webhookFor(`${table}-${ref}`), async (tx) => {
                await tx.query(`INSERT INTO ${table} (ref) VALUES ($1)`, [ref])
                if (fails) throw new Error('handler failed')
              })
              .catch(() => 'failed' as const)
          await Promise.all(
            deliveries.map(async (d, n) => {
              if (d.together) await Promise.all(d.copies.map((fails) => attempt(String(n), fails)))
              else for (const fails of d.copies) await attempt(String(n), fails)
            }),
          )
          const { rows } = await db.query<{ ref: string; n: number }>(`SELECT ref, count(*)::int AS n FROM ${table} GROUP BY ref`)
          const counts = new Map(rows.map((r) => [r.ref, r.n]))
          deliveries.forEach((d, n) => {
            const expected = d.copies.some((fails) => !fails) ? 1 : 0
            expect(counts.get(String(n)) ?? 0, `delivery ${n}: ${JSON.stringify(d)}`).toBe(expected)
          })
        },
      ),
      { numRuns: 25 },
    )
  }, 60_000)
})
