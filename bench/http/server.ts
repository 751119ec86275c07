/**
 * One HTTP server per process: `node --import tsx bench/http/server.ts <express|koa> <route>`.
 * Routes (all answer 204 from the same handler on POST /webhook):
 *   bare             raw body read, no verification (the framework's ceiling)
 *   hand             raw body + createHmac + timingSafeEqual + JSON.parse, written by hand
 *   hookproof        hookproof's middleware, replayStore: false
 *   hookproof-store  hookproof's middleware with a MemoryReplayStore (every request a new delivery id)
 *   core-check       the hand route with core's createVerifier().check() instead of the HMAC
 *                    (hookproof minus core-check = what the adapter itself costs)
 * Tells the parent its port over IPC: { port } or { skip: reason } when the adapter is missing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { load } from '../lib/build.js'
import { type Api, SECRET } from '../lib/fixtures.js'

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

/** `hookproof-store` keeps the adapters' default replay store (a MemoryReplayStore). */
function hookproofOptions(): { provider: 'github'; secret: string; replayStore?: false } {
  return route === 'hookproof-store' ? { provider: 'github', secret: SECRET } : { provider: 'github', secret: SECRET, replayStore: false }
}

type Adapter = typeof import('../../packages/express/src/index.js')

/** The adapter as shipped (bench/lib/build.ts); a clear skip while it is not written yet. */
async function adapter<T>(name: 'express' | 'koa'): Promise<T> {
  const mod = await load<T>(name)
  if (mod === undefined) throw Object.assign(new Error(`@hookproof/${name} has no sources yet`), { code: 'ERR_MODULE_NOT_FOUND' })
  return mod
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
  } else if (route === 'core-check') {
    // the hand-written route with core's check() in place of the HMAC: the adapter's own cost is
    // the difference between this route and 'hookproof'
    const { createVerifier } = (await load<Api>('core-node')) as Api
    const verifier = createVerifier({ provider: 'github', secret: SECRET })
    app.post(
      '/webhook',
      raw,
      async (req, res, next) => {
        const result = await verifier.check({ body: req.body as Buffer, headers: req.headers })
        if (!result.ok) {
          res.status(result.status).end()
          return
        }
        req.body = result.webhook.payload
        next()
      },
      handler,
    )
  } else {
    const { verifyWebhook } = await adapter<Adapter>('express')
    app.post('/webhook', verifyWebhook({ ...hookproofOptions(), limit: LIMIT }), handler)
  }
  return app.listen(0, '127.0.0.1')
}

async function koa(): Promise<Server> {
  const { default: Koa } = await import('koa')
  const { default: getRawBody } = await import('raw-body')
  const app = new Koa()
  type Ctx = {
    method: string
    path: string
    status: number
    req: NodeJS.ReadableStream & { headers: Record<string, unknown> }
    request: { body?: unknown }
  }
  const handler = async (ctx: Ctx) => {
    handled++
    ctx.status = 204
  }
  const onlyWebhook =
    (fn: (ctx: Ctx, next: () => Promise<unknown>) => Promise<unknown>) => async (ctx: Ctx, next: () => Promise<unknown>) => {
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
  } else if (route === 'core-check') {
    const { createVerifier } = (await load<Api>('core-node')) as Api
    const verifier = createVerifier({ provider: 'github', secret: SECRET })
    app.use(
      onlyWebhook(async (ctx) => {
        const body = await getRawBody(ctx.req as never, { limit: LIMIT })
        const result = await verifier.check({ body, headers: ctx.req.headers as Record<string, string> })
        if (!result.ok) {
          ctx.status = result.status
          return
        }
        ctx.request.body = result.webhook.payload
        await handler(ctx)
      }),
    )
  } else {
    const { verifyWebhook } = await adapter<typeof import('../../packages/koa/src/index.js')>('koa')
    const mw = verifyWebhook({ ...hookproofOptions(), limit: LIMIT }) as unknown as (
      ctx: Ctx,
      next: () => Promise<unknown>,
    ) => Promise<unknown>
    app.use(onlyWebhook((ctx, next) => mw(ctx, () => handler(ctx).then(next))))
  }
  return app.listen(0, '127.0.0.1')
}

const builders: Record<string, () => Promise<Server>> = { express, koa }
try {
  const build = framework === undefined ? undefined : builders[framework]
  if (build === undefined || !['bare', 'hand', 'hookproof', 'hookproof-store', 'core-check'].includes(route ?? '')) {
    throw new Error(`usage: server.ts <express|koa> <bare|hand|hookproof|hookproof-store>, got ${framework} ${route}`)
  }
  const server = await build()
  server.keepAliveTimeout = 60_000
  server.once('listening', () => {
    const port = (server.address() as AddressInfo).port
    if (process.send) process.send({ port })
    else console.log(`${framework} ${route} listening on http://127.0.0.1:${port}/webhook`)
  })
  // a normal exit, so that --cpu-prof (see bench/README.md) writes its profile
  process.once('SIGTERM', () => {
    server.closeAllConnections()
    server.close(() => process.exit(0))
  })
  process.on('message', (message: { cmd?: string }) => {
    if (message.cmd === 'stats') {
      const cpu = process.cpuUsage()
      process.send?.({ handled, cpuUs: cpu.user + cpu.system })
    }
  })
} catch (error) {
  const reason =
    (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' || /Cannot find|not found|does not provide/i.test(String(error))
  process.send?.({
    skip: `${framework} ${route}: ${reason ? 'adapter not available yet' : 'failed to start'} (${String((error as Error).message ?? error).split('\n')[0]})`,
  })
  process.exitCode = 0
  setTimeout(() => process.exit(), 50)
}
