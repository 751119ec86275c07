import type { WebhookVerificationError } from '@hookproof/core'
import { bodyTimeoutOption, DEFAULT_BODY_LIMIT, type FlowHooks, limitBytes } from '@hookproof/core/adapter'
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
  const { limit = DEFAULT_BODY_LIMIT, publicUrl, bodyTimeoutMs, secret, secrets, ...flowOptions } = options
  const maxBytes = limitBytes(limit)
  const timeoutMs = bodyTimeoutOption(bodyTimeoutMs)
  if (publicUrl !== undefined && typeof publicUrl !== 'string' && typeof publicUrl !== 'function') {
    throw new TypeError('publicUrl must be a base URL string or a function of the context')
  }
  const source = flowSource(flowOptions, secret as SecretSource, secrets as SecretSource)
  const base = typeof publicUrl === 'string' ? publicUrl.replace(/\/+$/, '') : undefined

  async function hookproofWebhook(c: Context<E & WebhookEnv>, next: Next): Promise<Response | undefined> {
    const flow = source.flowFor(c as Context)
    const read: BodyRead = { stalled: false }
    let response: Response | undefined
    const hooks: FlowHooks = {
      readBody: () => readRawBody(c.req, maxBytes, timeoutMs, read),
      readRequest: () => ({
        headers: c.req.raw.headers,
        method: c.req.method,
        url:
          typeof publicUrl === 'function'
            ? publicUrl(c as unknown as Context<E>)
            : base !== undefined
              ? base + pathAndQuery(c.req.url)
              : c.req.url,
      }),
      send: ({ status, headers, body }) => {
        response = new Response(body, { status, headers: read.stalled ? { ...headers, connection: 'close' } : headers })
      },
      forward: (error) => {
        throw answerable(error)
      },
      handle: async (webhook) => {
        c.set('webhook', webhook)
        await next()
        // Hono caught a throw below and let app.onError answer it: a failure, whatever status it chose
        if (c.error !== undefined || !c.finalized) return undefined
        return c.res.status
      },
    }
    await flow.run(hooks)
    return response
  }
  return Object.assign(hookproofWebhook, { on: source.on }) as WebhookMiddleware<E>
}

/**
 * With `onError: 'next'` the error goes to Hono's error handling; `getResponse` (what Hono's
 * `HTTPException` has) makes Hono's default handler answer with its problem+json, while an
 * `app.onError` of the app's own sees the `WebhookVerificationError` and its `code`.
 */
function answerable(error: WebhookVerificationError): WebhookVerificationError {
  return Object.assign(error, { getResponse: () => error.toResponse() })
}

/** `/path?query` of an absolute URL, as received. */
function pathAndQuery(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  return start === -1 ? '/' : url.slice(start)
}
