import Koa from 'koa'
import Koa2 from 'koa2'
import type { AdapterFixture } from '../../core/test/adapter-suite/index.js'
import { verifyWebhook, type WebhookMiddleware } from '../src/index.js'

export type KoaClass = typeof Koa

/** What a Koa handler gets, for the tests of Koa's own behaviour. */
export interface KoaNative {
  ctx: Koa.Context
  next: Koa.Next
}

/** Runs each route's `verifyWebhook(...)` on its path (`ctx.path`), then the handler as its `next`. */
function fixture(Framework: KoaClass): AdapterFixture<Koa, WebhookMiddleware, KoaNative> {
  return {
    verifyWebhook,
    app(routes, handler, before) {
      const app = new Framework()
      app.silent = true
      before?.(app)
      app.use(async (ctx, next) => {
        const verify = Object.hasOwn(routes, ctx.path) ? routes[ctx.path] : undefined
        if (verify === undefined) return next()
        await verify(ctx, async () => {
          const reply = (status: number, body?: unknown) => {
            ctx.status = status
            if (body !== undefined) ctx.body = body
          }
          await handler(reply, { webhook: ctx.state.webhook, body: ctx.request.body }, { ctx, next })
        })
      })
      return app.callback()
    },
  }
}

/** Both majors, each test runs against both: name, the Koa class, the suite's fixture. */
export const KOA = [
  ['Koa 3', Koa, fixture(Koa)],
  ['Koa 2', Koa2, fixture(Koa2)],
] as const
