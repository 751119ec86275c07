import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  bodyTimeoutOption,
  createWebhookFlow,
  DEFAULT_BODY_LIMIT,
  type FlowHooks,
  type FlowResponse,
  nodeRequestHeaders,
  type WebhookFlow,
  whenAnswered,
} from '@hookproof/core/adapter'
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common'
import { Observable } from 'rxjs'
import { limitBytes, readRawBody } from './body.js'
import type { NestRequest, NestResponse, NestWebhookOptions } from './types.js'
import { requestUrl } from './url.js'

/**
 * The interceptor `@VerifyWebhook()` puts on its route; one per decorated route, holding the flow
 * built at startup. Exported for `@UseInterceptors(new WebhookInterceptor(options))` where a
 * decorator does not fit (a controller-wide interceptor, a dynamic module).
 *
 * @example
 * @UseInterceptors(new WebhookInterceptor({ provider: 'orchest' }))
 * @Post('orchest')
 * handle(@Webhook() webhook: VerifiedWebhook) {}
 */
export class WebhookInterceptor implements NestInterceptor {
  /** The shared flow: verify, claim, handle, settle, report. `flow.on(type, listener)` subscribes to events. */
  readonly flow: WebhookFlow
  readonly #limit: number | string
  readonly #timeoutMs: number
  readonly #url: (req: NestRequest) => string

  constructor(options: NestWebhookOptions = {}) {
    // adapter-only options stay here: the flow gets verifier and flow options only
    const { limit = DEFAULT_BODY_LIMIT, publicUrl, bodyTimeoutMs, ...flowOptions } = options
    limitBytes(limit)
    this.#limit = limit
    this.#timeoutMs = bodyTimeoutOption(bodyTimeoutMs)
    this.#url = urlOption(publicUrl)
    this.flow = createWebhookFlow(flowOptions)
  }

  /**
   * Verifies the delivery and claims it, then runs the route (guards have run; pipes and the
   * handler run inside) and settles the claim once the answer is written: complete below 500,
   * release on a thrown error or a 5xx. Rejections and duplicates are answered here, the handler
   * never runs for them.
   */
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle()
    const http = context.switchToHttp()
    const req = http.getRequest<NestRequest>()
    const res = http.getResponse<NestResponse>()
    const rawRes = (res.raw ?? res) as ServerResponse
    return new Observable<unknown>((subscriber) => {
      let handed = false
      const hooks: FlowHooks = {
        readBody: () => readRawBody(req, rawRes, this.#limit, this.#timeoutMs),
        readRequest: () => ({
          // a header sent twice stays two values (headersDistinct only then: it costs an array per header)
          headers: nodeRequestHeaders((req.raw ?? req) as IncomingMessage),
          method: req.method,
          url: this.#url(req),
        }),
        // answered directly, past Nest's exception filters, so the problem+json bytes are the flow's;
        // the route's observable then never emits, so Nest writes nothing more
        send: (response) => send(res, rawRes, response),
        forward: (error) => {
          handed = true
          subscriber.error(error)
        },
        handle: (webhook) =>
          new Promise((resolve) => {
            whenAnswered(rawRes, resolve)
            req.webhook = webhook
            req.body = webhook.payload
            handed = true
            next.handle().subscribe({
              next: (value) => subscriber.next(value),
              error: (error: unknown) => subscriber.error(error),
              complete: () => subscriber.complete(),
            })
          }),
      }
      this.flow.run(hooks).catch((error: unknown) => {
        if (!handed) subscriber.error(error)
      })
    })
  }
}

function urlOption(publicUrl: NestWebhookOptions['publicUrl']): (req: NestRequest) => string {
  if (publicUrl === undefined) return requestUrl
  if (typeof publicUrl === 'function') return publicUrl
  if (typeof publicUrl !== 'string') throw new TypeError('publicUrl must be a base URL string or a function of the request')
  const base = publicUrl.replace(/\/+$/, '')
  return (req) => base + req.originalUrl
}

/** Writes a rejection or a duplicate's answer: through Fastify's reply (its hooks run), else on the Node response. */
function send(res: NestResponse, raw: ServerResponse, { status, headers, body }: FlowResponse): void {
  if (raw.headersSent) return
  if (res.raw !== undefined && typeof res.code === 'function' && typeof res.headers === 'function' && typeof res.send === 'function') {
    res.code(status)
    res.headers({ ...headers })
    // a Buffer, since Fastify appends "; charset=utf-8" to the content type of a string
    res.send(Buffer.from(body))
    return
  }
  raw.statusCode = status
  for (const [name, value] of Object.entries(headers)) raw.setHeader(name, value)
  raw.end(body)
}
