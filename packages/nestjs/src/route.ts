import type { IncomingMessage, ServerResponse } from 'node:http'
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
  type WebhookFlow,
  whenAnswered,
} from '@hookproof/core/adapter'
import { readRawBody } from './body.js'
import type { NestRequest, NestResponse, NestWebhookOptions } from './types.js'
import { requestUrl } from './url.js'

/** What every request of one decorated route shares: the flow and the adapter's own options, read once at startup. */
export interface RouteSettings {
  readonly flow: WebhookFlow
  /** `limit` in bytes, read once at startup. */
  readonly maxBytes: number
  readonly timeoutMs: number
  readonly urlOf: (req: NestRequest) => string
}

/** Splits the adapter's own options from the flow's, checks them and builds the flow (`TypeError` on a bad one). */
export function routeSettings(options: NestWebhookOptions): RouteSettings {
  // adapter-only options stay here: the flow gets verifier and flow options only
  const { maxBytes, timeoutMs, urlOf, base, flowOptions } = routeOptions<NestRequest, NestWebhookOptions>(options)
  return {
    flow: createWebhookFlow(flowOptions),
    maxBytes,
    timeoutMs,
    urlOf: urlOf ?? (base !== undefined ? (req) => base + req.originalUrl : requestUrl),
  }
}

/**
 * The flow's hooks for one request, as one object with prototype methods rather than closures.
 * Rejections and duplicates are written directly, past Nest's exception filters, so the
 * problem+json bytes are the flow's; the route then never continues, so Nest writes nothing more.
 * A subclass says how the route continues once the delivery is claimed (`proceed`) and how an
 * error reaches Nest's exception filters (`throwToNest`, `onError: 'next'` and a failing flow).
 */
export abstract class NestHooks implements FlowHooks, FlowRequest {
  /** Whether the route was continued or handed an error: past that point the flow's own failure is not the route's. */
  handed = false
  readonly raw: ServerResponse

  constructor(
    readonly req: NestRequest,
    readonly res: NestResponse,
    readonly settings: RouteSettings,
  ) {
    this.raw = (res.raw ?? res) as ServerResponse
  }

  readBody(): Uint8Array | Failure | Promise<Uint8Array | Failure> {
    return readRawBody(this.req, this.raw, this.settings.maxBytes, this.settings.timeoutMs)
  }

  /** The hooks are their own request view: nothing is allocated, and the URL is built only when a scheme reads it. */
  readRequest(): FlowRequest {
    return this
  }

  get headers(): FlowRequest['headers'] {
    const req = this.req
    // a header sent twice stays two values, so a duplicated signature is caught
    return nodeRequestHeaders((req.raw ?? req) as IncomingMessage)
  }

  get method(): string | undefined {
    return this.req.method
  }

  /** Read only by schemes that sign the URL (Designer Cloud GET/DELETE). */
  get url(): string {
    return this.settings.urlOf(this.req)
  }

  send(response: FlowResponse): void {
    send(this.res, this.raw, response)
  }

  forward(error: WebhookVerificationError): void {
    this.handed = true
    this.throwToNest(error)
  }

  /** Runs the rest of the route: interceptors, pipes, the handler. */
  abstract proceed(): void

  /** Hands an error to Nest's exception filters. */
  abstract throwToNest(error: unknown): void

  /** Runs one request through the flow; an error of the flow before the route ran goes to Nest. */
  run(): void {
    this.settings.flow.run(this).then(undefined, (error: unknown) => {
      if (!this.handed) this.throwToNest(error)
    })
  }

  /** Resolves with the status once the answer is written (`res.end`), whether or not the socket is still open. */
  handle(webhook: VerifiedWebhook): Promise<number | undefined> {
    return new Promise((resolve) => {
      const req = this.req
      whenAnswered(this.raw, resolve)
      // body first: Nest's parser left it, so the write finds the request's hidden class as the
      // parser left it; webhook is a new property, and adding it changes that class
      req.body = webhook.payload
      req.webhook = webhook
      this.handed = true
      this.proceed()
    })
  }
}

/** Writes a rejection or a duplicate's answer: through Fastify's reply (its hooks run), else on the Node response. */
function send(res: NestResponse, raw: ServerResponse, response: FlowResponse): void {
  if (res.raw !== undefined && typeof res.code === 'function' && typeof res.headers === 'function' && typeof res.send === 'function') {
    if (raw.headersSent) return
    res.code(response.status)
    res.headers({ ...response.headers })
    // a Buffer, since Fastify appends "; charset=utf-8" to the content type of a string
    res.send(Buffer.from(response.body))
    return
  }
  sendNodeResponse(raw, response)
}
