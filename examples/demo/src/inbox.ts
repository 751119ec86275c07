/**
 * The demo's inbox part: two Express receivers (as two instances would be) share one PGlite
 * database (Postgres in-process: no server) through `PostgresInbox`; each handler writes its one
 * effect row inside `req.webhook.transaction`. The mock sender delivers Orchest events over real
 * HTTP; each case prints the answers it got and the effect rows it left, which must be one.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PGlite } from '@electric-sql/pglite'
import { verifyWebhook } from '@hookproof/express'
import { createDelivery, formatTable, type SignedDelivery, send, signDelivery } from '@hookproof/mock-sender'
import { PostgresInbox } from '@hookproof/postgres'
import express from 'express'

const SECRET = 'demo-orchest-secret'

/** What the inbox part found. */
export interface InboxDemoResult {
  ok: boolean
  table: string
  cases: number
  failed: number
}

interface Receiver {
  url: string
  server: Server
  /** Set per case: what the next handler call does after (or inside) its transaction. */
  mode: 'ok' | 'fail-after-commit' | 'fail-inside' | 'slow'
}

async function receiver(inbox: PostgresInbox, failures: Set<string>): Promise<Receiver> {
  const app = express()
  const self: Receiver = { url: '', server: undefined as unknown as Server, mode: 'ok' }
  app.post('/webhooks/orchest', verifyWebhook({ provider: 'orchest', secret: SECRET, inbox }), async (req, res) => {
    const webhook = req.webhook
    const id = webhook?.deliveryId ?? ''
    try {
      const result = await webhook?.transaction?.(async (tx) => {
        await tx.query('INSERT INTO demo_effects (ref) VALUES ($1)', [id])
        if (self.mode === 'slow') await new Promise((r) => setTimeout(r, 100))
        // a first attempt that fails inside: its insert rolls back with the delivery's record
        if (self.mode === 'fail-inside' && !failures.has(id)) {
          failures.add(id)
          throw new Error('first attempt fails')
        }
      })
      // committed, then the process "dies" before answering: the sender sees a failure and retries
      if (self.mode === 'fail-after-commit' && !failures.has(id)) {
        failures.add(id)
        res.sendStatus(500)
        return
      }
      res.sendStatus(result?.status === 'processed' ? 204 : 200)
    } catch {
      res.sendStatus(500)
    }
  })
  await new Promise<void>((resolve) => {
    self.server = app.listen(0, '127.0.0.1', () => resolve())
  })
  self.url = `http://127.0.0.1:${(self.server.address() as AddressInfo).port}`
  return self
}

/**
 * Runs the inbox part and prints its table.
 *
 * @example
 * const { ok } = await runInboxDemo(console.log)
 */
export async function runInboxDemo(print: (text: string) => void): Promise<InboxDemoResult> {
  const started = performance.now()
  const db = new PGlite()
  const inbox = new PostgresInbox({ client: db })
  await inbox.migrate()
  await db.exec('CREATE TABLE demo_effects (ref text NOT NULL)')
  const failures = new Set<string>()
  const a = await receiver(inbox, failures)
  const b = await receiver(inbox, failures)
  const rows: string[][] = []
  let failed = 0
  try {
    const deliver = async (delivery: SignedDelivery, to: Receiver[], retries = 3) => {
      const statuses: (number | string)[] = []
      let turn = 0
      await send(delivery, {
        url: `${to[0]?.url}/webhooks/orchest`,
        // each retry goes to the next receiver, like a load balancer
        fetch: (url, init) => fetch(`${to[turn++ % to.length]?.url}${new URL(url).pathname}`, init),
        retry: { retries, delayMs: 20 },
        onAttempt: (attempt) => {
          statuses.push(attempt.status ?? 'lost')
        },
      })
      return statuses
    }
    const effects = async (id: string) =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM demo_effects WHERE ref = $1', [id])).rows[0]?.n ?? 0
    const fresh = async () => signDelivery(createDelivery('orchest'), { secret: SECRET })
    const row = async (name: string, delivery: SignedDelivery, answers: string) => {
      const n = await effects(delivery.deliveryId ?? '')
      if (n !== 1) failed++
      rows.push([name, answers, String(n), n === 1 ? 'ok' : 'FAIL'])
    }

    const once = await fresh()
    const first = await deliver(once, [a])
    const copy = await deliver(once, [b])
    await row('delivered, then a copy to the other receiver', once, `${first.join(' ')}, copy ${copy.join(' ')}`)

    a.mode = 'fail-after-commit'
    const crash = await fresh()
    await row('handler fails after its commit; sender retries', crash, (await deliver(crash, [a, b])).join(' '))

    a.mode = 'fail-inside'
    const inside = await fresh()
    await row('handler fails inside the transaction; retried', inside, (await deliver(inside, [a, b])).join(' '))

    a.mode = 'slow'
    b.mode = 'slow'
    const pair = await fresh()
    const both = await Promise.all([deliver(pair, [a]), deliver(pair, [b])])
    await row('two copies at once, one per receiver', pair, both.map((s) => s.join(' ')).join(' + '))

    const table = formatTable(['inbox case (PGlite, 2 Express receivers)', 'answers', 'effect rows', 'result'], rows)
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    print(`\n${table}`)
    print(
      failed === 0
        ? `\n${rows.length} inbox cases: one effect row per delivery, whatever failed around it (${seconds} s)`
        : `\n${failed} of ${rows.length} inbox cases left other than one effect row (${seconds} s)`,
    )
    return { ok: failed === 0, table, cases: rows.length, failed }
  } finally {
    for (const r of [a, b]) {
      r.server.closeAllConnections?.()
      await new Promise((resolve) => r.server.close(resolve))
    }
    await db.close()
  }
}
