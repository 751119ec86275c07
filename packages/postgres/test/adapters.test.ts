/**
 * The adapters' `inbox` option over PGlite, through real HTTP (supertest): the cheap read before
 * the handler, `webhook.transaction(fn)`, a commit that survives the handler failing after it,
 * a duplicate met inside the transaction, the once-only warning, and a closed database. Two
 * middlewares over one PGlite stand for two receiver processes (each has its own memory store).
 */
import type { RequestListener } from 'node:http'
import { PGlite } from '@electric-sql/pglite'
import type { WebhookTransaction } from '@hookproof/core'
import { verifyWebhook as expressWebhook } from '@hookproof/express'
import { verifyWebhook as koaWebhook } from '@hookproof/koa'
import express from 'express'
import Koa from 'koa'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { delivery, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { PostgresInbox } from '../src/index.js'

let db: PGlite
let inbox: PostgresInbox
let tables = 0

beforeAll(async () => {
  db = new PGlite()
  inbox = new PostgresInbox({ client: db })
  await inbox.migrate()
})
afterAll(async () => {
  await db?.close()
})

const secret = SECRETS.orchest
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** What a handler does with the delivery, given its `transaction` and an `effect(tx)` writer. */
type Behaviour = (
  transaction: WebhookTransaction | undefined,
  effect: (tx: { query: (t: string, p?: unknown[]) => Promise<unknown> }) => Promise<void>,
) => Promise<number>

interface App {
  listener: RequestListener
  calls: () => number
}

type Make = (options: Record<string, unknown>, behaviour: Behaviour, effects: string) => App

const makeExpress: Make = (options, behaviour, effects) => {
  let calls = 0
  const app = express()
  app.post('/hook', expressWebhook({ provider: 'orchest', secret, ...options }), async (req, res) => {
    calls++
    const ref = req.webhook?.deliveryId
    const status = await behaviour(req.webhook?.transaction, async (tx) => {
      await tx.query(`INSERT INTO ${effects} (ref) VALUES ($1)`, [ref])
    }).catch(() => 500)
    res.sendStatus(status)
  })
  return { listener: app as unknown as RequestListener, calls: () => calls }
}

const makeKoa: Make = (options, behaviour, effects) => {
  let calls = 0
  const app = new Koa()
  app.silent = true
  const verify = koaWebhook({ provider: 'orchest', secret, ...options })
  app.use((ctx, next) =>
    verify(ctx, async () => {
      calls++
      const ref = ctx.state.webhook?.deliveryId
      ctx.status = await behaviour(ctx.state.webhook?.transaction, async (tx) => {
        await tx.query(`INSERT INTO ${effects} (ref) VALUES ($1)`, [ref])
      }).catch(() => 500)
      return next()
    }),
  )
  return { listener: app.callback(), calls: () => calls }
}

async function effectsTable(): Promise<{ name: string; count: () => Promise<number> }> {
  const name = `adapter_effects_${++tables}`
  await db.exec(`CREATE TABLE ${name} (ref text NOT NULL)`)
  return { name, count: async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`)).rows[0]?.n ?? -1 }
}

const code = (res: { body: unknown; text: string }) => (JSON.parse(res.text) as { code?: string }).code

describe.each([
  ['express', makeExpress],
  ['koa', makeKoa],
] as const)('%s with an inbox', (_name, make) => {
  const uses: Behaviour = async (transaction, effect) => {
    const result = await (transaction as WebhookTransaction)(effect)
    return result.status === 'processed' ? 204 : 200
  }

  it('processes once; a copy at another instance is answered 200 duplicate before its handler', async () => {
    const effects = await effectsTable()
    const a = make({ inbox }, uses, effects.name)
    const b = make({ inbox }, uses, effects.name)
    const d = await delivery('orchest')
    expect((await send(a.listener, d)).status).toBe(204)
    const copy = await send(b.listener, d)
    expect(copy.status).toBe(200)
    expect(code(copy)).toBe('DUPLICATE_DELIVERY')
    expect(b.calls()).toBe(0)
    expect(await effects.count()).toBe(1)
  })

  it('the handler fails after its transaction committed (the crash the leases cannot see): the retry is a duplicate, one effect', async () => {
    const effects = await effectsTable()
    const crashesAfterCommit: Behaviour = async (transaction, effect) => {
      await (transaction as WebhookTransaction)(effect)
      throw new Error('process dies before answering')
    }
    const app = make({ inbox }, crashesAfterCommit, effects.name)
    const d = await delivery('orchest')
    expect((await send(app.listener, d)).status).toBe(500)
    const retry = await send(app.listener, d)
    expect(retry.status).toBe(200)
    expect(code(retry)).toBe('DUPLICATE_DELIVERY')
    expect(app.calls()).toBe(1)
    expect(await effects.count()).toBe(1)
  })

  it('a transaction that throws rolls back its effect, and the retry is processed', async () => {
    const effects = await effectsTable()
    let attempts = 0
    const failsFirst: Behaviour = async (transaction, effect) => {
      const n = ++attempts
      await (transaction as WebhookTransaction)(async (tx) => {
        await effect(tx)
        if (n === 1) throw new Error('first attempt fails')
      })
      return 204
    }
    const app = make({ inbox }, failsFirst, effects.name)
    const d = await delivery('orchest')
    expect((await send(app.listener, d)).status).toBe(500)
    expect(await effects.count()).toBe(0)
    expect((await send(app.listener, d)).status).toBe(204)
    expect(await effects.count()).toBe(1)
  })

  it('concurrent copies at two instances: the second meets the key inside its transaction, sees duplicate, one effect', async () => {
    const effects = await effectsTable()
    const seen: string[] = []
    const slow: Behaviour = async (transaction, effect) => {
      const result = await (transaction as WebhookTransaction)(async (tx) => {
        await effect(tx)
        await sleep(100)
      })
      seen.push(result.status)
      return 200
    }
    const a = make({ inbox }, slow, effects.name)
    const b = make({ inbox }, slow, effects.name)
    const d = await delivery('orchest')
    const answers = await Promise.all([send(a.listener, d), send(b.listener, d)])
    expect(answers.map((r) => r.status)).toEqual([200, 200])
    expect(await effects.count()).toBe(1)
    // both handlers ran (neither saw the other's commit at the cheap read) or the second was answered before it
    expect(seen.filter((s) => s === 'processed')).toHaveLength(1)
  })

  it('replayStore: false with an inbox: the key is still computed, and the inbox alone dedups', async () => {
    const effects = await effectsTable()
    const app = make({ inbox, replayStore: false }, uses, effects.name)
    const d = await delivery('orchest')
    expect((await send(app.listener, d)).status).toBe(204)
    expect((await send(app.listener, d)).status).toBe(200)
    expect(await effects.count()).toBe(1)
  })

  it('warns once when a handler finishes without webhook.transaction()', async () => {
    const effects = await effectsTable()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const app = make({ inbox }, async () => 204, effects.name)
      expect((await send(app.listener, await delivery('orchest'))).status).toBe(204)
      expect((await send(app.listener, await delivery('orchest'))).status).toBe(204)
      const ours = warn.mock.calls.filter((c) => String(c[0]).includes('webhook.transaction(fn)'))
      expect(ours).toHaveLength(1)
      // a handler that uses it is never warned about
      const used = make({ inbox }, uses, effects.name)
      expect((await send(used.listener, await delivery('orchest'))).status).toBe(204)
      expect(warn.mock.calls.filter((c) => String(c[0]).includes('webhook.transaction(fn)'))).toHaveLength(1)
    } finally {
      warn.mockRestore()
    }
  })

  it('the database is gone: 503 STORE_UNAVAILABLE with Retry-After, the handler is not called', async () => {
    const closed = new PGlite()
    const down = new PostgresInbox({ client: closed })
    await down.migrate()
    await closed.close()
    const app = make({ inbox: down }, uses, 'unused')
    const d = await delivery('orchest')
    const res = await send(app.listener, d)
    expect(res.status).toBe(503)
    expect(code(res)).toBe('STORE_UNAVAILABLE')
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    expect(app.calls()).toBe(0)
  })

  it('an inbox without has() and run() is a TypeError at startup', () => {
    expect(() => make({ inbox: {} }, uses, 'unused')).toThrow(/inbox must have has\(webhook\) and run\(webhook, fn\)/)
  })
})
