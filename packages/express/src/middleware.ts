import type { VerifiedWebhook, WebhookVerificationError } from '@hookproof/core'
import {
  createWebhookFlow,
  type Failure,
  type FlowHooks,
  type FlowRequest,
  type FlowResponse,
  nodeRequestHeaders,
  routeOptions,
  sendNodeResponse,
  whenAnswered,
} from '@hookproof/core/adapter'
import type { NextFunction, Request, Response } from 'express'
import { readRawBody } from './body.js'
import type { ExpressWebhookOptions, WebhookMiddleware } from './types.js'
import { requestUrl } from './url.js'

/**
 * Express 4 and 5 middleware: reads the raw body, verifies it, claims the delivery, then sets
 * `req.webhook` and `req.body = payload` and calls the next handler. Rejections answer
 * `application/problem+json`; a processed duplicate answers 200 without calling the handler, one
 * in flight 409 with `Retry-After`. A handler that throws or answers 5xx releases the delivery so
 * the sender's retry is processed. The claim is held until the handler has answered (`res.end`),
 * even when the client disconnected first, so the sender's retry meets 409 rather than a second
 * run. A body not complete within `bodyTimeoutMs` is answered 408 `BODY_TIMEOUT`. The raw body
 * is the stream, the Buffer `express.raw()` left in `req.body`, or, after a global
 * `express.json({ verify })` that kept them, the bytes in `req.rawBody`. Without options, secrets
 * come from `*_WEBHOOK_SECRET`.
 *
 * @example
 * const webhooks = verifyWebhook({ provider: 'orchest', secret: process.env.ORCHEST_WEBHOOK_SECRET })
 * webhooks.on('rejected', (e) => console.warn('webhook rejected', e.code))
 * app.post('/webhooks/orchest', webhooks, (req, res) => {
 *   console.log(req.webhook?.event, req.body)
 *   res.sendStatus(204)
 * })
 * @throws {TypeError} at startup on a bad configuration, or with no options and no secret in the environment.
 */
export function verifyWebhook(options: ExpressWebhookOptions = {}): WebhookMiddleware {
  const { maxBytes, timeoutMs, urlOf, base, flowOptions } = routeOptions<Request, ExpressWebhookOptions>(options)
  const flow = createWebhookFlow(flowOptions)
  const settings: Settings = {
    limit: maxBytes,
    timeoutMs,
    urlOf: urlOf ?? (base !== undefined ? (req) => base + req.originalUrl : requestUrl),
  }

  function hookproofWebhook(req: Request, res: Response, next: NextFunction): void {
    const hooks = new ExpressHooks(req, res, next, settings)
    flow.run(hooks).then(undefined, (error: unknown) => {
      if (!hooks.nextCalled) next(error)
    })
  }
  return Object.assign(hookproofWebhook, { on: flow.on })
}

/** What every request of one middleware shares: read once at startup. */
interface Settings {
  /** In bytes, checked at startup (raw-body given a size it cannot read would apply no limit). */
  readonly limit: number
  readonly timeoutMs: number
  readonly urlOf: (req: Request) => string
}

/**
 * The flow's hooks for one request, as one object with prototype methods rather than five
 * closures. Express gives each request's `req` and `res` a map of their own (it swaps their
 * prototypes, then adds properties), so every read and write of them is a slow, uncached
 * lookup: the hooks touch each as few times as they can.
 */
class ExpressHooks implements FlowHooks, FlowRequest {
  nextCalled = false

  constructor(
    readonly req: Request,
    readonly res: Response,
    readonly next: NextFunction,
    readonly settings: Settings,
  ) {}

  readBody(): Uint8Array | Failure | Promise<Uint8Array | Failure> {
    return readRawBody(this.req, this.res, this.settings.limit, this.settings.timeoutMs)
  }

  /** The hooks are their own request view: nothing is allocated, and the URL is built only when a scheme reads it. */
  readRequest(): FlowRequest {
    return this
  }

  get headers(): FlowRequest['headers'] {
    // a header sent twice stays two values, so a duplicated signature is caught
    return nodeRequestHeaders(this.req)
  }

  get method(): string {
    return this.req.method
  }

  /** Read only by schemes that sign the URL (Designer Cloud GET/DELETE). */
  get url(): string {
    return this.settings.urlOf(this.req)
  }

  send(response: FlowResponse): void {
    sendNodeResponse(this.res, response)
  }

  forward(error: WebhookVerificationError): void {
    this.nextCalled = true
    this.next(error)
  }

  handle(webhook: VerifiedWebhook): Promise<number | undefined> {
    return new Promise((resolve) => {
      const req = this.req
      // settles on the handler's first `res.end` (every Express answer, `next(err)`'s 500 included, ends there)
      whenAnswered(this.res, resolve)
      // body-parser's own mark: an express.json() mounted after this middleware skips the spent
      // stream. Set here, with the other two, not after the read: each property added to an Express
      // request changes its hidden class, and every access after it misses V8's caches again
      ;(req as { _body?: boolean })._body = true
      req.webhook = webhook
      req.body = webhook.payload
      this.nextCalled = true
      this.next()
    })
  }
}
