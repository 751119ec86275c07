/**
 * The README's examples run as written: the Express block through real HTTP, and each of the five
 * client blocks (pg, postgres.js, PGlite, Kysely, Drizzle) called twice with one verified
 * delivery: `new`, then `duplicate`, and one order row. The server blocks run against a real
 * Postgres (DATABASE_URL), PGlite in-process.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createVerifier, sign, type VerifiedWebhook } from '@hookproof/core'
import pg from 'pg'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PostgresServer, postgresServerAvailable, startPostgresServer } from './postgres-server.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
// under the root node_modules, so that the blocks' own imports (pg, kysely, …) resolve
const dir = join(root, 'node_modules', '.cache', `hookproof-readme-${process.pid}`)
const sources: Record<string, string> = {
  '@hookproof/core': 'packages/core/src/node.ts',
  '@hookproof/express': 'packages/express/src/index.ts',
  '@hookproof/postgres': 'packages/postgres/src/index.ts',
}

/** The first ts block after the heading `title`. */
function block(title: string): string {
  const at = readme.indexOf(title)
  if (at < 0) throw new Error(`README has no "${title}"`)
  const code = /```ts[^\n]*\n([\s\S]*?)```/.exec(readme.slice(at))?.[1]
  if (code === undefined) throw new Error(`no ts block after "${title}"`)
  return code
}

let files = 0
async function load<T>(title: string): Promise<T> {
  let code = block(title)
  for (const [name, path] of Object.entries(sources)) code = code.replaceAll(`'${name}'`, JSON.stringify(join(root, path)))
  const file = join(dir, `block-${++files}.ts`)
  writeFileSync(file, code)
  return (await import(/* @vite-ignore */ file)) as T
}

const secret = 'readme-secret'
const verifier = createVerifier({ provider: 'orchest', secret, keyDeliveries: true })

async function orchest(id: string) {
  // the id inside the body: Orchest's key is the MAC of the body, so each order needs its own
  const body = JSON.stringify({ total: 42, ref: id })
  const headers = { ...(await sign('orchest', { secret, body, id, event: 'order.paid' })), 'content-type': 'application/json' }
  return { body, headers }
}

async function webhookFor(id: string): Promise<VerifiedWebhook<{ total: number }>> {
  const d = await orchest(id)
  return verifier.verify({ body: new TextEncoder().encode(d.body), headers: d.headers })
}

type Snippet = { onDelivery(webhook: VerifiedWebhook<{ total: number }>): Promise<'new' | 'duplicate'> }

beforeAll(() => {
  mkdirSync(dir, { recursive: true })
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('README examples run as written', () => {
  it('Express with an inbox: processed, then the copy is answered 200 without running the handler', async () => {
    process.env.ORCHEST_WEBHOOK_SECRET = secret
    const { app } = await load<{ app: import('express').Express }>('## With Express or Koa')
    const d = await orchest('express-readme-1')
    expect((await request(app).post('/webhooks/orchest').set(d.headers).send(d.body)).status).toBe(204)
    const copy = await request(app).post('/webhooks/orchest').set(d.headers).send(d.body)
    expect(copy.status).toBe(200)
  })

  it('PGlite: new, then duplicate', async () => {
    const { onDelivery } = await load<Snippet>('### PGlite')
    const webhook = await webhookFor('pglite-readme-1')
    expect(await onDelivery(webhook)).toBe('new')
    expect(await onDelivery(webhook)).toBe('duplicate')
  })

  describe.skipIf(!postgresServerAvailable())('on a real server', () => {
    let server: PostgresServer
    let pool: pg.Pool
    beforeAll(async () => {
      server = await startPostgresServer()
      process.env.DATABASE_URL = server.url
      pool = new pg.Pool({ connectionString: server.url })
      // a client still closing when the server stops reports 57P01 here; without a listener the
      // pool rethrows it as an uncaught exception after every test passed
      pool.on('error', () => {})
    })
    afterAll(async () => {
      await pool?.end()
      await server?.destroy()
    })

    for (const title of ['### pg (node-postgres)', '### postgres.js', '### Kysely', '### Drizzle']) {
      it(`${title.slice(4)}: new, then duplicate, one order row`, async () => {
        const { onDelivery } = await load<Snippet>(title)
        const id = `readme-${title.slice(4).replace(/\W+/g, '-')}`
        const webhook = await webhookFor(id)
        expect(await onDelivery(webhook)).toBe('new')
        expect(await onDelivery(webhook)).toBe('duplicate')
        const { rows } = await pool.query('SELECT count(*)::int AS n FROM orders WHERE ref = $1', [id])
        expect(rows[0].n).toBe(1)
      })
    }
  })
})
