import type { VerifiedWebhook, WebhookTransaction } from '@hookproof/core'
import type { WebhookFlow, WebhookFlowOptions } from '@hookproof/core/adapter'
import type { Request, RequestHandler } from 'express'

declare global {
  namespace Express {
    interface Request {
      /** Set by `verifyWebhook()` from `@hookproof/express`: the verified delivery. */
      webhook?: VerifiedWebhook & {
        /** With the `inbox` option: records this delivery and runs `fn` in one transaction (`inbox.run`). */
        transaction?: WebhookTransaction
      }
    }
  }
}

/**
 * Options of `verifyWebhook`: every core verifier option, plus these.
 *
 * @example
 * const options: ExpressWebhookOptions = { provider: 'designer-cloud', secret, limit: '1mb', publicUrl: 'https://hooks.example.com' }
 */
export interface ExpressWebhookOptions extends WebhookFlowOptions {
  /** Largest body accepted, in bytes or a string like `'1mb'`. Default 5 MiB; above it: 413 `BODY_TOO_LARGE`. */
  limit?: number | string
  /**
   * Longest wait for the whole body, in ms, from the start of reading it. Default 30 000; past it
   * 408 `BODY_TIMEOUT` and the connection is closed. `Infinity` turns it off.
   */
  bodyTimeoutMs?: number
  /**
   * The public URL Designer Cloud signs for GET/DELETE, when a proxy changes it: a base such as
   * `'https://hooks.example.com'` (the request's `originalUrl` is appended) or a function of the request.
   */
  publicUrl?: string | ((req: Request) => string)
}

/**
 * A request after `verifyWebhook()`: `webhook` is set and `body` is its payload.
 *
 * @example
 * const { body } = req as WebhookRequest<{ jobId: string }>
 */
export type WebhookRequest<Payload = unknown> = Request & { webhook: VerifiedWebhook<Payload>; body: Payload }

/**
 * What `verifyWebhook()` returns: the middleware, plus `on(type, listener)` for `verified`,
 * `rejected` and `duplicate` events (returns the unsubscribe function).
 *
 * @example
 * const webhooks: WebhookMiddleware = verifyWebhook()
 * webhooks.on('duplicate', (e) => metrics.increment('webhook.duplicate', { provider: e.provider }))
 */
export type WebhookMiddleware = RequestHandler & { on: WebhookFlow['on'] }
