import type { VerifiedWebhook, WebhookTransaction } from '@hookproof/core'
import type { WebhookFlow, WebhookFlowOptions } from '@hookproof/core/adapter'
import type { FastifyPluginCallback, FastifyRequest } from 'fastify'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `verifyWebhook` from `@hookproof/fastify` on the routes of its scope: the verified delivery. */
    webhook?: VerifiedWebhook & {
      /** With the `inbox` option: records this delivery and runs `fn` in one transaction (`inbox.run`). */
      transaction?: WebhookTransaction
    }
  }
  interface FastifyInstance {
    /**
     * Set by `verifyWebhook` from `@hookproof/fastify` on the scope it is registered in:
     * `on(type, listener)` for its `verified`, `rejected` and `duplicate` events.
     */
    hookproof: WebhookEvents
  }
}

/**
 * Options of `verifyWebhook`: every core verifier and flow option, plus these.
 *
 * @example
 * const options: FastifyWebhookOptions = { provider: 'designer-cloud', secret, limit: '1mb', publicUrl: 'https://hooks.example.com' }
 */
export interface FastifyWebhookOptions extends WebhookFlowOptions {
  /**
   * Largest body accepted, in bytes or a string like `'1mb'`. Default 5 MiB; above it: 413
   * `BODY_TOO_LARGE`. It replaces Fastify's `bodyLimit` on the routes of the scope.
   */
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
  publicUrl?: string | ((request: FastifyRequest) => string)
}

/**
 * The events of one `verifyWebhook` registration: `on(type, listener)` for `verified`,
 * `rejected` and `duplicate` (returns the unsubscribe function). `scope.hookproof` after
 * registering, or the plugin `webhookPlugin(options)` returns.
 *
 * @example
 * const events: WebhookEvents = scope.hookproof
 * events.on('duplicate', (e) => metrics.increment('webhook.duplicate', { provider: e.provider }))
 */
export interface WebhookEvents {
  on: WebhookFlow['on']
}

/**
 * What `webhookPlugin(options)` returns: a plugin to register in the scope of the webhook routes,
 * with its options already checked, plus `on` for its events.
 *
 * @example
 * const webhooks: WebhookPlugin = webhookPlugin({ provider: 'orchest', secret })
 * webhooks.on('rejected', (e) => console.warn('webhook rejected', e.code))
 */
export type WebhookPlugin = FastifyPluginCallback & WebhookEvents

/**
 * A request on a route of a `verifyWebhook` scope: `webhook` is set and `body` is its payload.
 *
 * @example
 * scope.post('/webhooks/designer-cloud', async (request) => {
 *   const { body, webhook } = request as WebhookRequest<{ jobId: string }>
 *   return { jobId: body.jobId, deliveryId: webhook.deliveryId }
 * })
 */
export type WebhookRequest<Payload = unknown> = FastifyRequest & { webhook: VerifiedWebhook<Payload>; body: Payload }
