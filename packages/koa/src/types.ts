import type { VerifiedWebhook, WebhookTransaction } from '@hookproof/core'
import type { WebhookFlow, WebhookFlowOptions } from '@hookproof/core/adapter'
import type { Context, Middleware } from 'koa'

declare module 'koa' {
  interface DefaultState {
    /** Set by `verifyWebhook()` from `@hookproof/koa`: the verified delivery. */
    webhook?: VerifiedWebhook & {
      /** With the `inbox` option: records this delivery and runs `fn` in one transaction (`inbox.run`). */
      transaction?: WebhookTransaction
    }
  }
  interface Request {
    /** The verified payload after `verifyWebhook()` (same declaration as `@koa/bodyparser`). */
    body?: unknown
  }
}

/**
 * Options of `verifyWebhook`: every core verifier option, plus these.
 *
 * @example
 * const options: KoaWebhookOptions = { provider: 'designer-cloud', secret, limit: '1mb', publicUrl: (ctx) => `https://hooks.example.com${ctx.originalUrl}` }
 */
export interface KoaWebhookOptions extends WebhookFlowOptions {
  /** Largest body accepted, in bytes or a string like `'1mb'`. Default 5 MiB; above it: 413 `BODY_TOO_LARGE`. */
  limit?: number | string
  /**
   * Longest wait for the whole body, in ms, from the start of reading it. Default 30 000; past it
   * 408 `BODY_TIMEOUT` and the connection is closed. `Infinity` turns it off.
   */
  bodyTimeoutMs?: number
  /**
   * The public URL Designer Cloud signs for GET/DELETE, when a proxy changes it: a base such as
   * `'https://hooks.example.com'` (`ctx.originalUrl` is appended) or a function of the context.
   */
  publicUrl?: string | ((ctx: Context) => string)
}

/**
 * The state after `verifyWebhook()`: `webhook` is set.
 *
 * @example
 * const app = new Koa<WebhookState<{ jobId: string }>>()
 */
export interface WebhookState<Payload = unknown> {
  webhook: VerifiedWebhook<Payload>
}

/**
 * What `verifyWebhook()` returns: the middleware, plus `on(type, listener)` for `verified`,
 * `rejected` and `duplicate` events (returns the unsubscribe function).
 *
 * @example
 * const webhooks: WebhookMiddleware = verifyWebhook()
 * webhooks.on('rejected', (e) => console.warn('webhook rejected', e.provider, e.code))
 * app.use(webhooks)
 */
export type WebhookMiddleware = Middleware & { on: WebhookFlow['on'] }
