import type { VerifiedWebhook, WebhookVerificationError } from '@hookproof/core'
import {
  createWebhookFlow,
  type Failure,
  type FlowHooks,
  type FlowRequest,
  type FlowResponse,
  nodeRequestHeaders,
  routeOptions,
} from '@hookproof/core/adapter'
import type { Context, Middleware, Next } from 'koa'
import { readRawBody } from './body.js'
import type { KoaWebhookOptions, WebhookMiddleware } from './types.js'

/**
 * Koa 2 and 3 middleware: reads the raw body, verifies it, claims the delivery, then sets
 * `ctx.state.webhook` and `ctx.request.body = payload` and awaits the next middleware.
 * Rejections answer `application/problem+json`; a processed duplicate answers 200 without calling
 * the rest, one in flight 409 with `Retry-After`. When the rest throws or answers 5xx the delivery
 * is released so the sender's retry is processed. The claim is held until the rest has finished,
 * even when the client disconnected first, so the sender's retry meets 409 rather than a second
 * run. A body not complete within `bodyTimeoutMs` is answered 408 `BODY_TIMEOUT`. Without options,
 * secrets come from `*_WEBHOOK_SECRET`.
 *
 * @example
 * router.post('/webhooks/orchest', verifyWebhook({ provider: 'orchest', secret: process.env.ORCHEST_WEBHOOK_SECRET }), (ctx) => {
 *   console.log(ctx.state.webhook?.event, ctx.request.body)
 *   ctx.status = 204
 * })
 * @throws {TypeError} at startup on a bad configuration, or with no options and no secret in the environment.
 */
export function verifyWebhook(options: KoaWebhookOptions = {}): WebhookMiddleware {
  const { maxBytes, timeoutMs, urlOf, base, flowOptions } = routeOptions<Context, KoaWebhookOptions>(options, 'the context')
  const flow = createWebhookFlow(flowOptions)
  const settings: Settings = {
    limit: maxBytes,
    timeoutMs,
    // ctx.href follows X-Forwarded-Proto/-Host when app.proxy is true
    urlOf: urlOf ?? (base !== undefined ? (ctx) => base + ctx.originalUrl : (ctx) => ctx.href),
  }

  // not `async`: koa-compose takes the flow's own promise, with no async frame around it
  const hookproofWebhook: Middleware = function hookproofWebhook(ctx, next) {
    return flow.run(new KoaHooks(ctx, next, settings))
  }
  return Object.assign(hookproofWebhook, { on: flow.on })
}

/** What every request of one middleware shares: read once at startup. */
interface Settings {
  /** In bytes, checked at startup (raw-body given a size it cannot read would apply no limit). */
  readonly limit: number
  readonly timeoutMs: number
  readonly urlOf: (ctx: Context) => string
}

/** The flow's hooks for one request: one object with prototype methods rather than five closures. */
class KoaHooks implements FlowHooks, FlowRequest {
  constructor(
    readonly ctx: Context,
    readonly next: Next,
    readonly settings: Settings,
  ) {}

  readBody(): Uint8Array | Failure | Promise<Uint8Array | Failure> {
    return readRawBody(this.ctx, this.settings.limit, this.settings.timeoutMs)
  }

  /** The hooks are their own request view: nothing is allocated, and the URL is built only when a scheme reads it. */
  readRequest(): FlowRequest {
    return this
  }

  get headers(): FlowRequest['headers'] {
    // a header sent twice stays two values, so a duplicated signature is caught
    return nodeRequestHeaders(this.ctx.req)
  }

  get method(): string {
    return this.ctx.method
  }

  /** Read only by schemes that sign the URL (Designer Cloud GET/DELETE). */
  get url(): string {
    return this.settings.urlOf(this.ctx)
  }

  send({ status, headers, body }: FlowResponse): void {
    const ctx = this.ctx
    ctx.status = status
    ctx.set(headers)
    ctx.body = body
  }

  forward(error: WebhookVerificationError): void {
    // as http-errors does for 4xx: Koa answers with the message and does not log it as a crash
    throw Object.assign(error, { expose: error.status < 500 })
  }

  async handle(webhook: VerifiedWebhook): Promise<number | undefined> {
    const ctx = this.ctx
    ctx.state.webhook = webhook
    ctx.request.body = webhook.payload
    // the raw stream is spent: a body parser registered after this one must skip it
    ;(ctx as { disableBodyParser?: boolean }).disableBodyParser = true
    // Koa's next() settles when the rest has finished, whatever the socket did meanwhile
    await this.next()
    return ctx.status
  }
}
