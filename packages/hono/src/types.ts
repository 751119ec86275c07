import type { VerifiedWebhook, WebhookTransaction } from '@hookproof/core'
import type { WebhookFlow, WebhookFlowOptions } from '@hookproof/core/adapter'
import type { Context, Env, MiddlewareHandler } from 'hono'

/**
 * The verified delivery `verifyWebhook()` puts in the context: `c.get('webhook')` / `c.var.webhook`.
 *
 * @example
 * const { provider, event, deliveryId, payload, rawBody }: HonoWebhook = c.get('webhook')
 */
export type HonoWebhook<Payload = unknown> = VerifiedWebhook<Payload> & {
  /** With the `inbox` option: records this delivery and runs `fn` in one transaction (`inbox.run`). */
  transaction?: WebhookTransaction
}

/**
 * The context variables `verifyWebhook()` sets. The middleware's own type carries them, so the
 * handler after it reads `c.get('webhook')` typed without a cast; name them in the app's type
 * (`new Hono<{ Variables: WebhookVariables<MyPayload> }>()`) to type the payload too.
 *
 * @example
 * const app = new Hono<{ Variables: WebhookVariables<{ jobId: string }> }>()
 * app.post('/webhooks/designer-cloud', verifyWebhook({ provider: 'designer-cloud', secret }), (c) => c.text(c.get('webhook').payload.jobId))
 */
export interface WebhookVariables<Payload = unknown> {
  webhook: HonoWebhook<Payload>
}

/**
 * The Hono `Env` of a route after `verifyWebhook()`: `{ Variables: WebhookVariables }`.
 *
 * @example
 * const route = new Hono<WebhookEnv & { Bindings: { ORCHEST_WEBHOOK_SECRET: string } }>()
 */
export interface WebhookEnv<Payload = unknown> {
  Variables: WebhookVariables<Payload>
}

/**
 * A secret, or a function of the request's context that returns it: on Cloudflare Workers secrets
 * are bindings, known per request (`(c) => c.env.ORCHEST_WEBHOOK_SECRET`). Called on every
 * request; the verifier for each distinct value is built once and reused.
 *
 * @example
 * const secret: SecretSource<{ Bindings: { ORCHEST_WEBHOOK_SECRET: string } }> = (c) => c.env.ORCHEST_WEBHOOK_SECRET
 */
export type SecretSource<E extends Env = Env, S = string | readonly string[]> = S | ((c: Context<E>) => S | undefined)

/**
 * Options of `verifyWebhook`: every core verifier option (with `secret`/`secrets` also as a
 * function of the context, for Worker bindings), plus these.
 *
 * @example
 * const options: HonoWebhookOptions<{ Bindings: Bindings }> = { provider: 'orchest', secret: (c) => c.env.ORCHEST_WEBHOOK_SECRET, limit: '1mb' }
 */
export interface HonoWebhookOptions<E extends Env = Env> extends Omit<WebhookFlowOptions, 'secret' | 'secrets'> {
  /** The secret as entered in the sender's settings (an array: `[current, previous]`), or `(c) => c.env.NAME`. */
  secret?: SecretSource<E>
  /** Secrets for rotation, current first, or a function of the context returning them. */
  secrets?: SecretSource<E, readonly string[]>
  /** Largest body accepted, in bytes or a string like `'1mb'`. Default 5 MiB; above it: 413 `BODY_TOO_LARGE`. */
  limit?: number | string
  /**
   * Longest wait for the whole body, in ms, from the start of reading it. Default 30 000; past it
   * 408 `BODY_TIMEOUT` and the connection is closed. `Infinity` turns it off.
   */
  bodyTimeoutMs?: number
  /**
   * The public URL Designer Cloud signs for GET/DELETE, when a proxy changes it: a base such as
   * `'https://hooks.example.com'` (the path and query of `c.req.url` are appended) or a function
   * of the context returning the whole URL. Default: `c.req.url`.
   */
  publicUrl?: string | ((c: Context<E>) => string)
}

/**
 * What `verifyWebhook()` returns: a Hono middleware whose `Env` adds {@link WebhookVariables},
 * plus `on(type, listener)` for `verified`, `rejected` and `duplicate` events (returns the
 * unsubscribe function).
 *
 * @example
 * const webhooks: WebhookMiddleware = verifyWebhook({ provider: 'orchest', secret })
 * webhooks.on('duplicate', (e) => metrics.increment('webhook.duplicate', { provider: e.provider }))
 */
export type WebhookMiddleware<E extends Env = Env> = MiddlewareHandler<E & WebhookEnv> & { on: WebhookFlow['on'] }
