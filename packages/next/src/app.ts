import type { VerifiedWebhook } from '@hookproof/core'
import type { Failure, FlowHooks, FlowRequest, FlowResponse } from '@hookproof/core/adapter'
import { readRequestBody } from './body.js'
import { type Compiled, compile } from './options.js'
import type { NextWebhookOptions, RouteHandler, WebhookHandler } from './types.js'

/**
 * App Router route handler, on the node and the edge runtime: reads the raw body (up to `limit`,
 * within `bodyTimeoutMs`), verifies it, claims the delivery, calls `handler` and returns the
 * Response it returns. Its status settles the claim, which is held until the handler has
 * finished: below 500 the delivery is done (a repeat is answered 200 without calling the
 * handler), a throw or a 5xx releases it for the sender's retry; a repeat while it runs gets 409
 * with `Retry-After`. Rejections are `application/problem+json` Responses.
 *
 * Without options (`withWebhook(handler)`), secrets come from `*_WEBHOOK_SECRET` and the sender is
 * detected among those set. Secrets are read on the first request, not at import, so
 * `next build` does not need them.
 *
 * @example
 * // app/api/webhooks/orchest/route.ts
 * import { withWebhook } from '@hookproof/next'
 *
 * export const POST = withWebhook({ provider: 'orchest', secret: process.env.ORCHEST_WEBHOOK_SECRET }, async (webhook) => {
 *   console.log(webhook.event, webhook.deliveryId, webhook.payload)
 *   return new Response(null, { status: 204 })
 * })
 * @throws {TypeError} at import on a bad adapter option; on the first request (Next answers 500 and logs it) on a bad verifier option or with no secret in the environment.
 */
export function withWebhook<Context = unknown>(handler: WebhookHandler<Context>): RouteHandler<Context>
export function withWebhook<Context = unknown>(options: NextWebhookOptions, handler: WebhookHandler<Context>): RouteHandler<Context>
export function withWebhook<Context = unknown>(
  first: NextWebhookOptions | WebhookHandler<Context>,
  second?: WebhookHandler<Context>,
): RouteHandler<Context> {
  const [options, handler] = typeof first === 'function' ? [{}, first] : [first, second]
  if (typeof handler !== 'function') throw new TypeError('withWebhook(options, handler): handler must be a function returning a Response')
  const compiled = compile<Request>(options)

  return async function hookproofRoute(request: Request, context: Context): Promise<Response> {
    const hooks = new AppHooks(request, context, compiled, handler)
    await compiled.flow().run(hooks)
    // every path of run() either sends or handles; a missing answer would be a bug in the flow
    return hooks.response ?? new Response(null, { status: 500 })
  }
}

/**
 * The flow's hooks for one request, and its {@link FlowRequest}: one object per request with
 * prototype methods, not an object literal of closures with a `url` getter (a literal with an
 * accessor is built by a runtime call each time); `url` is built only when a scheme signs it
 * (Designer Cloud GET/DELETE): `new URL()` costs a few µs.
 */
class AppHooks<Context> implements FlowHooks, FlowRequest {
  response: Response | undefined = undefined

  constructor(
    readonly request: Request,
    readonly context: Context,
    readonly compiled: Compiled<Request>,
    readonly handler: WebhookHandler<Context>,
  ) {}

  readBody(): Promise<Uint8Array | Failure> {
    return readRequestBody(this.request, this.compiled.limit, this.compiled.timeoutMs)
  }

  readRequest(): FlowRequest {
    return this
  }

  get headers(): Headers {
    return this.request.headers
  }

  get method(): string {
    return this.request.method
  }

  get url(): string {
    return urlOf(this.request, this.compiled)
  }

  send({ status, headers, body }: FlowResponse): void {
    // after a body timeout the unread rest makes the connection unusable: ask the server to close it
    this.response = new Response(body, { status, headers: status === 408 ? { ...headers, connection: 'close' } : headers })
  }

  async handle(webhook: VerifiedWebhook): Promise<number> {
    const answer: unknown = await this.handler(webhook, this.request, this.context)
    if (!isResponse(answer)) {
      throw new TypeError(`the withWebhook handler must return a Response, it returned ${answer === null ? 'null' : typeof answer}`)
    }
    this.response = answer
    return answer.status
  }
}

/**
 * The URL as the sender called it, for schemes that sign it (Designer Cloud GET/DELETE): the
 * `Host` header the sender sent, since Next builds `request.url` from the host name it listens
 * on; `publicUrl` when a proxy changes the host or the scheme.
 */
function urlOf(request: Request, compiled: Compiled<Request>): string {
  if (compiled.publicUrl !== undefined) return compiled.publicUrl(request)
  const url = new URL(request.url)
  if (compiled.base !== undefined) return compiled.base + url.pathname + url.search
  const host = request.headers.get('host')
  return host === null || host === '' ? request.url : `${url.protocol}//${host}${url.pathname}${url.search}`
}

/** A Response, also one from another realm (the edge sandbox, a polyfill): what Next itself accepts. */
function isResponse(value: unknown): value is Response {
  return (
    value instanceof Response ||
    (typeof value === 'object' && value !== null && typeof (value as Response).status === 'number' && 'headers' in value && 'body' in value)
  )
}
