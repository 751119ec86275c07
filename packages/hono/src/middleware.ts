import type { VerifiedWebhook, WebhookVerificationError } from '@hookproof/core'
import {
  type Failure,
  type FlowHooks,
  type FlowRequest,
  type FlowResponse,
  type NodeHeadersSource,
  nodeRequestHeaders,
  routeOptions,
} from '@hookproof/core/adapter'
import type { Context, Env, Next } from 'hono'
import { type BodyRead, readRawBody } from './body.js'
import { flowSource } from './flows.js'
import type { HonoWebhookOptions, SecretSource, WebhookEnv, WebhookMiddleware } from './types.js'

/**
 * Hono 4 middleware: reads the raw body, verifies it, claims the delivery, then sets
 * `c.get('webhook')` and awaits the next handler. Rejections answer `application/problem+json`; a
 * processed duplicate answers 200 without calling the handler, one in flight 409 with
 * `Retry-After`. When the handler throws (Hono's `onError` answers it) or answers 5xx, the
 * delivery is released so the sender's retry is processed. The claim is held until the handler
 * has finished, even when the client disconnected first. A body not complete within
 * `bodyTimeoutMs` is answered 408 `BODY_TIMEOUT`. Without options, secrets come from
 * `*_WEBHOOK_SECRET` in `process.env` (read at startup) or, on Workers without `process`, from
 * the bindings in `c.env` (read per request).
 *
 * Runs on Web Crypto (Workers, Deno, Bun) or node:crypto (Node), as `@hookproof/core` resolves.
 *
 * @example
 * const app = new Hono()
 * app.post('/webhooks/orchest', verifyWebhook({ provider: 'orchest', secret: process.env.ORCHEST_WEBHOOK_SECRET }), (c) => {
 *   const { event, deliveryId, payload } = c.get('webhook')
 *   return c.json({ event, deliveryId, payload })
 * })
 * @example
 * // Cloudflare Workers: the secret is a binding, read per request
 * const app = new Hono<{ Bindings: { ORCHEST_WEBHOOK_SECRET: string } }>()
 * app.post('/webhooks/orchest', verifyWebhook({ provider: 'orchest', secret: (c) => c.env.ORCHEST_WEBHOOK_SECRET }), (c) => c.body(null, 204))
 * export default app
 * @throws {TypeError} at startup on a bad configuration, or with no options and no secret in `process.env`.
 */
export function verifyWebhook<E extends Env = Env>(options: HonoWebhookOptions<E> = {}): WebhookMiddleware<E> {
  const { maxBytes, timeoutMs, urlOf, base, flowOptions } = routeOptions<Context<E>, HonoWebhookOptions<E>>(options, 'the context')
  const { secret, secrets, ...rest } = flowOptions
  const source = flowSource(rest, secret as SecretSource, secrets as SecretSource)
  const settings: Settings = { maxBytes, timeoutMs, urlOf: urlOf as Settings['urlOf'], base }
  async function hookproofWebhook(c: Context<E & WebhookEnv>, next: Next): Promise<Response | undefined> {
    const hooks = new HonoHooks(c as unknown as Context<WebhookEnv>, next, settings)
    await source.flowFor(c as Context).run(hooks)
    return hooks.response
  }
  return Object.assign(hookproofWebhook, { on: source.on }) as WebhookMiddleware<E>
}

interface Settings {
  readonly maxBytes: number
  readonly timeoutMs: number
  /** `publicUrl` as a function, or as a base without trailing slashes. */
  readonly urlOf: ((c: Context) => string) | undefined
  readonly base: string | undefined
}

/**
 * The flow's hooks for one request, and its {@link FlowRequest}: one object per request, with no
 * closure; `url` is built only when a scheme signs it (Designer Cloud GET/DELETE).
 */
class HonoHooks implements FlowHooks, FlowRequest {
  readonly read: BodyRead = { stalled: false }
  response: Response | undefined = undefined
  /** On `@hono/node-server`, the Node request the `Request` was made from (`c.env.incoming`). */
  readonly incoming: NodeHeadersSource | undefined

  constructor(
    readonly c: Context<WebhookEnv>,
    readonly next: Next,
    readonly settings: Settings,
  ) {
    this.incoming = nodeIncoming(c.env)
  }

  readBody(): Promise<Uint8Array | Failure> {
    const { maxBytes, timeoutMs } = this.settings
    const declared = this.incoming === undefined ? this.c.req.raw.headers.get('content-length') : this.incoming.headers['content-length']
    return readRawBody(this.c.req, declared, maxBytes, timeoutMs, this.read)
  }

  readRequest(): FlowRequest {
    return this
  }

  /**
   * On `@hono/node-server`, Node's own header record (with a header sent twice still two values,
   * as the Node adapters read it): each `get` of the `Headers` it builds over it validates the name
   * and the value with regular expressions, and a GitHub delivery reads five. The same header
   * lines either way; elsewhere (workerd, Deno, Bun) the `Request`'s `Headers`.
   */
  get headers(): Headers | FlowRequest['headers'] {
    return this.incoming === undefined ? this.c.req.raw.headers : nodeRequestHeaders(this.incoming)
  }

  get method(): string {
    return this.c.req.method
  }

  get url(): string {
    const { urlOf, base } = this.settings
    const c = this.c
    if (urlOf !== undefined) return urlOf(c as unknown as Context)
    return base !== undefined ? base + pathAndQuery(c.req.url) : c.req.url
  }

  send({ status, headers, body }: FlowResponse): void {
    this.response = new Response(body, { status, headers: this.read.stalled ? { ...headers, connection: 'close' } : headers })
  }

  forward(error: WebhookVerificationError): void {
    throw answerable(error)
  }

  async handle(webhook: VerifiedWebhook): Promise<number | undefined> {
    const c = this.c
    c.set('webhook', webhook)
    await this.next()
    // Hono caught a throw below and let app.onError answer it: a failure, whatever status it chose
    if (c.error !== undefined || !c.finalized) return undefined
    return c.res.status
  }
}

/**
 * With `onError: 'next'` the error goes to Hono's error handling; `getResponse` (what Hono's
 * `HTTPException` has) makes Hono's default handler answer with its problem+json, while an
 * `app.onError` of the app's own sees the `WebhookVerificationError` and its `code`.
 */
function answerable(error: WebhookVerificationError): WebhookVerificationError {
  return Object.assign(error, { getResponse: () => error.toResponse() })
}

/**
 * `c.env.incoming` when `@hono/node-server` serves the app (its `HttpBindings`): the Node request,
 * whose `headers` and `rawHeaders` are what the `Request` was built from. On other runtimes
 * `c.env` holds the bindings, which have no such pair.
 */
function nodeIncoming(env: unknown): NodeHeadersSource | undefined {
  const incoming = (env as { incoming?: Partial<NodeHeadersSource> } | undefined)?.incoming
  return typeof incoming === 'object' && incoming !== null && typeof incoming.headers === 'object' && Array.isArray(incoming.rawHeaders)
    ? (incoming as NodeHeadersSource)
    : undefined
}

/** `/path?query` of an absolute URL, as received. */
function pathAndQuery(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  return start === -1 ? '/' : url.slice(start)
}
