import type { VerifiedWebhook, WebhookTransaction } from '@hookproof/core'
import type { WebhookFlowOptions } from '@hookproof/core/adapter'
import type { NextApiRequest, NextApiResponse } from 'next/types.js'

/**
 * Options of `withWebhook` and `withWebhookApi`: every core verifier option (`provider`,
 * `secret`, `providers`, `replayStore`, `onEvent`, `emitter`, `router`, ...), plus these.
 *
 * @example
 * const options: NextWebhookOptions = { provider: 'designer-cloud', secret, limit: '1mb', publicUrl: 'https://hooks.example.com' }
 */
export interface NextWebhookOptions<Req = Request> extends WebhookFlowOptions {
  /** Largest body accepted, in bytes or a string like `'1mb'`. Default 5 MiB; above it: 413 `BODY_TOO_LARGE`. */
  limit?: number | string
  /**
   * Longest wait for the whole body, in ms, from the start of reading it. Default 30 000; past it
   * 408 `BODY_TIMEOUT`. `Infinity` turns it off.
   */
  bodyTimeoutMs?: number
  /**
   * The public URL Designer Cloud signs for GET/DELETE, when a proxy changes it: a base such as
   * `'https://hooks.example.com'` (the request's path and query are appended) or a function of the request.
   */
  publicUrl?: string | ((req: Req) => string)
}

/**
 * The verified delivery a handler gets; with the `inbox` option it also has `transaction(fn)`.
 *
 * @example
 * const handler = async (webhook: Webhook<{ jobId: string }>) => new Response(webhook.payload.jobId)
 */
export type Webhook<Payload = unknown> = VerifiedWebhook<Payload> & {
  /** With the `inbox` option: records this delivery and runs `fn` in one transaction (`inbox.run`). */
  transaction?: WebhookTransaction
}

/**
 * An App Router handler after verification: gets the delivery, the request (its body already
 * read: use `webhook.payload` or `webhook.rawBody`) and the route context, and returns the Response.
 *
 * @example
 * const handler: WebhookHandler = async (webhook) => Response.json({ received: webhook.deliveryId })
 */
export type WebhookHandler<Context = unknown> = (webhook: Webhook, request: Request, context: Context) => Response | Promise<Response>

/**
 * What `withWebhook` returns: an App Router route handler to export as `POST` (or `GET`, ...).
 *
 * @example
 * export const POST: RouteHandler = withWebhook(async () => new Response(null, { status: 204 }))
 */
export type RouteHandler<Context = unknown> = (request: Request, context: Context) => Promise<Response>

/**
 * A Pages Router API request after `withWebhookApi`: `webhook` is set and `body` is its payload.
 *
 * @example
 * const { body } = req as WebhookApiRequest<{ jobId: string }>
 */
export type WebhookApiRequest<Payload = unknown> = NextApiRequest & { webhook: Webhook<Payload>; body: Payload }

/**
 * A Pages Router API handler after verification; answer through `res` as usual.
 *
 * @example
 * const handler: WebhookApiHandler = (webhook, req, res) => res.status(204).end()
 */
export type WebhookApiHandler = (webhook: Webhook, req: WebhookApiRequest, res: NextApiResponse) => unknown

/**
 * What `withWebhookApi` returns: a Pages Router API route to export as `default`.
 *
 * @example
 * const route: ApiRoute = withWebhookApi((webhook, req, res) => res.status(204).end())
 * export default route
 */
export type ApiRoute = (req: NextApiRequest, res: NextApiResponse) => Promise<void>
