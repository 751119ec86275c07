import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { VerifiedWebhook, WebhookTransaction } from '@hookproof/core'
import type { WebhookFlow, WebhookFlowOptions } from '@hookproof/core/adapter'

/**
 * The verified delivery `@Webhook()` injects; with the `inbox` option it also has `transaction(fn)`.
 *
 * @example
 * handle(@Webhook() webhook: NestWebhook<{ jobId: string }>) { return webhook.payload.jobId }
 */
export type NestWebhook<Payload = unknown> = VerifiedWebhook<Payload> & {
  /** With the `inbox` option: records this delivery and runs `fn` in one transaction (`inbox.run`). */
  transaction?: WebhookTransaction
}

/**
 * The request as a Nest route sees it, on either platform: an Express `Request` (itself the
 * Node request) or a `FastifyRequest` (the Node request in `raw`). Only what the adapter reads.
 *
 * @example
 * const url = (req: NestRequest) => `https://hooks.example.com${req.originalUrl ?? req.url}`
 */
export interface NestRequest {
  readonly headers: IncomingHttpHeaders
  readonly method: string
  readonly url: string
  /** The path and query as received (both platforms), before any prefix was stripped. */
  readonly originalUrl: string
  /** Fastify: the Node request. */
  readonly raw?: IncomingMessage
  readonly protocol?: string
  readonly host?: string
  /** Left by Nest's body parsers with `NestFactory.create(AppModule, { rawBody: true })`. */
  rawBody?: Buffer
  body?: unknown
  /** Set by `@VerifyWebhook()`: the verified delivery, read by `@Webhook()`. */
  webhook?: NestWebhook
}

/**
 * Options of `@VerifyWebhook()`: every core verifier option, plus these.
 *
 * @example
 * const options: NestWebhookOptions = { provider: 'designer-cloud', secret, limit: '1mb', publicUrl: 'https://hooks.example.com' }
 */
export interface NestWebhookOptions extends WebhookFlowOptions {
  /**
   * Largest body accepted, in bytes or a string like `'1mb'`. Default 5 MiB; above it: 413
   * `BODY_TOO_LARGE`. Nest's own body parser has its own limit and answers 413 first when it is
   * lower (Express platform: 100 kB; raise it with `app.useBodyParser('json', { limit: '5mb' })`).
   */
  limit?: number | string
  /**
   * Longest wait for a body the adapter reads itself (a content type Nest has no parser for), in
   * ms. Default 30 000; past it 408 `BODY_TIMEOUT` and the connection is closed. `Infinity` turns it off.
   */
  bodyTimeoutMs?: number
  /**
   * The public URL Designer Cloud signs for GET/DELETE, when a proxy changes it: a base such as
   * `'https://hooks.example.com'` (the request's path is appended) or a function of the request.
   */
  publicUrl?: string | ((req: NestRequest) => string)
}

/**
 * What `@VerifyWebhook()` returns: the method decorator, plus `on(type, listener)` for
 * `verified`, `rejected` and `duplicate` events (returns the unsubscribe function).
 *
 * @example
 * const orchest: WebhookDecorator = VerifyWebhook({ provider: 'orchest' })
 * orchest.on('rejected', (e) => metrics.increment('webhook.rejected', { code: e.code }))
 */
export type WebhookDecorator = MethodDecorator & { on: WebhookFlow['on'] }

/**
 * The response on either platform, as the adapter writes to it: an Express `Response` (itself the
 * Node response) or a `FastifyReply` (the Node response in `raw`).
 *
 * @example
 * const raw = (res: NestResponse) => res.raw ?? (res as unknown as ServerResponse)
 */
export interface NestResponse {
  /** Fastify: the Node response. */
  readonly raw?: ServerResponse
  code?(status: number): NestResponse
  headers?(values: Record<string, string>): NestResponse
  send?(body: Buffer): unknown
}
