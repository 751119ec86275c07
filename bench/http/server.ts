/**
 * One HTTP server per process: `node --import tsx bench/http/server.ts <express|koa> <route>`.
 * Routes (all answer 204 from the same handler on POST /webhook):
 *   bare             raw body read, no verification (the framework's ceiling)
 *   hand             raw body + createHmac + timingSafeEqual + JSON.parse, written by hand
 *   hookproof        hookproof's middleware, replayStore: false
 *   hookproof-store  hookproof's middleware with a MemoryReplayStore (every request a new delivery id)
 * Tells the parent its port over IPC: { port } or { skip: reason } when the adapter is missing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { MemoryReplayStore } from '@hookproof/core'
import { SECRET } from '../lib/fixtures.ts'

const [framework, route] = process.argv.slice(2)
const LIMIT = 5 * 1024 * 1024
let handled = 0

/** The hand-written check: what a careful receiver writes without a library. */
function handVerify(body: Buffer, header: unknown): unknown {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return undefined
  const expected = Buffer.from(header.slice(7), 'hex')
  const mac = createHmac('sha256', SECRET).update(body).digest()
  if (expected.length !== mac.length || !timingSafeEqual(mac, expected)) return undefined
  return JSON.parse(body.toString('utf8'))
}

function hookproofOptions(): { provider: 'github'; secret: string; replayStore: MemoryReplayStore | false } {
  return { provider: 'github', secret: SECRET, replayStore: route === 'hookproof-store' ? new MemoryReplayStore() : false }
}

async function express(): Promise<Server> {
  const { default: express } = await import('express')
  const app = express()
  app.disable('x-powered-by')
  const handler = (_req: unknown, res: { status(code: number): { end(): void } }) => {
    handled++
    res.status(204).end()
  }
  const raw = express.raw({ type: () => true, limit: LIMIT })
  if (route === 'bare') app.post('/webhook', raw, handler)
  else if (route === 'hand') {
    app.post(
      '/webhook',
      raw,
      (req, res, next) => {
        let payload: unknown
        try {
          payload = handVerify(req.body as Buffer, req.headers['x-hub-signature-256'])
        } catch {
          payload = undefined
        }
        if (payload === undefined) {
          res.status(401).end()
          return
        }
        req.body = payload
        next()
      },
      handler,
    )
  } else {
    const { verifyWebhook } = await import('@hookproof/express')
    app.post('/webhook', verifyWebhook({ ...hookproofOptions(), limit: LIMIT }), handler)
  }
  return app.listen(0, '127.0.0.1')
}

async function koa(): Promise<Server> {
  const { default: Koa } = await import('koa')
  const { default: getRawBody } = await import('raw-body')
  const app = new Koa()
  type Ctx = { method: string; path: string; status: number; req: NodeJS.ReadableStream & { headers: Record<string, unknown> }; request: { body?: unknown } }
  const handler = async (ctx: Ctx) => {
    handled++
    ctx.status = 204
  }
  const onlyWebhook = (fn: (ctx: Ctx, next: () => Promise<unknown>) => Promise<unknown>) => async (ctx: Ctx, next: () => Promise<unknown>) => {
    if (ctx.method !== 'POST' || ctx.path !== '/webhook') return next()
    return fn(ctx, next)
  }
  if (route === 'bare') {
    app.use(
      onlyWebhook(async (ctx) => {
        await getRawBody(ctx.req as never, { limit: LIMIT })
        await handler(ctx)
      }),
    )
  } else if (route === 'hand') {
    app.use(
      onlyWebhook(async (ctx) => {
        const body = await getRawBody(ctx.req as never, { limit: LIMIT })
        let payload: unknown
        try {
          payload = handVerify(body, ctx.req.headers['x-hub-signature-256'])
        } catch {
          payload = undefined
        }
        if (payload === undefined) {
          ctx.status = 401
          return
        }
        ctx.request.body = payload
        await handler(ctx)
      }),
    )
  } else {
    const { verifyWebhook } = await import('@hookproof/koa')
    const mw = verifyWebhook({ ...hookproofOptions(), limit: LIMIT }) as unknown as (ctx: Ctx, next: () => Promise<unknown>) => Promise<unknown>
    app.use(onlyWebhook((ctx, next) => mw(ctx, () => handler(ctx).then(next))))
  }
  return app.listen(0, '127.0.0.1')
}

const builders: Record<string, () => Promise<Server>> = { express, koa }
try {
  const build = framework === undefined ? undefined : builders[framework]
  if (build === undefined || !['bare', 'hand', 'hookproof', 'hookproof-store'].includes(route ?? '')) {
    throw new Error(`usage: server.ts <express|koa> <bare|hand|hookproof|hookproof-store>, got ${framework} ${route}`)
  }
  const server = await build()
  server.keepAliveTimeout = 60_000
  server.once('listening', () => process.send?.({ port: (server.address() as AddressInfo).port }))
  process.on('message', (message: { cmd?: string }) => {
    if (message.cmd === 'stats') process.send?.({ handled })
  })
} catch (error) {
  const reason = (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' || /Cannot find|not found|does not provide/i.test(String(error))
  process.send?.({ skip: `${framework} ${route}: ${reason ? 'adapter not available yet' : 'failed to start'} (${String((error as Error).message ?? error).split('\n')[0]})` })
  process.exitCode = 0
  setTimeout(() => process.exit(), 50)
}
