/** The Koa bench server: raw-body for the hand-written routes, `@hookproof/koa` for hookproof's. */
import type { Server } from 'node:http'
import { adapter, coreVerifier, counter, handVerify, hookproofOptions, LIMIT, type Route } from './common.js'

type Adapter = typeof import('../../packages/koa/src/index.js')

export async function koa(route: Route): Promise<Server> {
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
    counter.handled++
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
  } else if (route === 'hand' || route === 'hand-middleware') {
    // the hand-written check; as hand-middleware, a middleware that calls next() for the handler,
    // composed as the hookproof route below composes verifyWebhook()
    const handCheck = async (ctx: Ctx, next: () => Promise<unknown>) => {
      const body = await getRawBody(ctx.req as never, { limit: LIMIT })
      const payload = handVerify(body, ctx.req.headers['x-hub-signature-256'])
      if (payload === undefined) {
        ctx.status = 401
        return
      }
      ctx.request.body = payload
      await next()
    }
    app.use(
      route === 'hand'
        ? onlyWebhook((ctx) => handCheck(ctx, () => handler(ctx)))
        : onlyWebhook((ctx, next) => handCheck(ctx, () => handler(ctx).then(next))),
    )
  } else if (route === 'core-check') {
    const verifier = await coreVerifier()
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
    const { verifyWebhook } = await adapter<Adapter>('koa')
    const mw = verifyWebhook(hookproofOptions(route)) as unknown as (ctx: Ctx, next: () => Promise<unknown>) => Promise<unknown>
    app.use(onlyWebhook((ctx, next) => mw(ctx, () => handler(ctx).then(next))))
  }
  return app.listen(0, '127.0.0.1')
}
