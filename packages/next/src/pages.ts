import type { IncomingMessage, ServerResponse } from 'node:http'
import type { VerifiedWebhook } from '@hookproof/core'
import {
  bodyAlreadyParsed,
  bodyReadFailure,
  type Failure,
  type FlowHooks,
  type FlowRequest,
  type FlowResponse,
  joinChunks,
  nodeRequestHeaders,
  readBodyWithin,
  sendNodeResponse,
  whenAnswered,
} from '@hookproof/core/adapter'
import type { NextApiRequest, NextApiResponse } from 'next/types.js'
import { aborted, declaredTooLarge, overLimit } from './body.js'
import { type Compiled, compile } from './options.js'
import type { ApiRoute, NextWebhookOptions, WebhookApiHandler, WebhookApiRequest } from './types.js'

/**
 * The one line that turns Next's body parser off for a Pages Router API route; the
 * `BODY_ALREADY_PARSED` message names it.
 *
 * @example
 * console.log(BODY_PARSER_OFF) // export const config = { api: { bodyParser: false } }
 */
export const BODY_PARSER_OFF = 'export const config = { api: { bodyParser: false } }'

const FIX =
  "Next.js's API body parser already read this request, so the exact bytes the signature covers are gone. " +
  `Add this line to the API route file: ${BODY_PARSER_OFF}`

/**
 * Pages Router API route (`pages/api/...`): reads the raw body (the route must turn Next's body
 * parser off with `export const config = { api: { bodyParser: false } }`, else 500
 * `BODY_ALREADY_PARSED` naming that line), verifies it, claims the delivery and calls `handler`
 * with `req.webhook` set and `req.body` the payload. The claim is held until the handler has
 * answered (`res.end`), even when the client disconnected first: below 500 the delivery is done,
 * a throw or a 5xx releases it for the sender's retry. Without options, secrets come from
 * `*_WEBHOOK_SECRET` (read on the first request).
 *
 * @example
 * // pages/api/webhooks/orchest.ts
 * import { withWebhookApi } from '@hookproof/next'
 *
 * export const config = { api: { bodyParser: false } }
 *
 * export default withWebhookApi({ provider: 'orchest', secret: process.env.ORCHEST_WEBHOOK_SECRET }, async (webhook, req, res) => {
 *   console.log(webhook.event, req.body)
 *   res.status(204).end()
 * })
 * @throws {TypeError} at import on a bad adapter option; on the first request (Next answers 500 and logs it) on a bad verifier option or with no secret in the environment.
 */
export function withWebhookApi(handler: WebhookApiHandler): ApiRoute
export function withWebhookApi(options: NextWebhookOptions<NextApiRequest>, handler: WebhookApiHandler): ApiRoute
export function withWebhookApi(first: NextWebhookOptions<NextApiRequest> | WebhookApiHandler, second?: WebhookApiHandler): ApiRoute {
  const [options, handler] = typeof first === 'function' ? [{}, first] : [first, second]
  if (typeof handler !== 'function') throw new TypeError('withWebhookApi(options, handler): handler must be a function')
  const compiled = compile<NextApiRequest>(options)

  return async function hookproofApiRoute(req: NextApiRequest, res: NextApiResponse): Promise<void> {
    await compiled.flow().run(new ApiHooks(req, res, compiled, handler))
  }
}

/**
 * The flow's hooks for one API request, and its {@link FlowRequest}: one object per request with
 * prototype methods, not an object literal of closures with a `url` getter (a literal with an
 * accessor is built by a runtime call each time); `url` is built only when a scheme signs it.
 */
class ApiHooks implements FlowHooks, FlowRequest {
  constructor(
    readonly req: NextApiRequest,
    readonly res: NextApiResponse,
    readonly compiled: Compiled<NextApiRequest>,
    readonly handler: WebhookApiHandler,
  ) {}

  readBody(): Promise<Uint8Array | Failure> | Uint8Array | Failure {
    return readApiBody(this.req, this.res, this.compiled.limit, this.compiled.timeoutMs)
  }

  readRequest(): FlowRequest {
    return this
  }

  /** A header sent twice stays two values (headersDistinct only then: it costs an array per header). */
  get headers(): FlowRequest['headers'] {
    return nodeRequestHeaders(this.req)
  }

  get method(): string | undefined {
    return this.req.method
  }

  get url(): string {
    return apiUrl(this.req, this.compiled)
  }

  send(response: FlowResponse): void {
    sendNodeResponse(this.res, response)
  }

  handle(webhook: VerifiedWebhook): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      const { res, handler } = this
      whenAnswered(res, resolve)
      const request = this.req as WebhookApiRequest
      request.webhook = webhook
      request.body = webhook.payload
      Promise.resolve()
        .then(() => handler(webhook, request, res))
        .catch(reject)
    })
  }
}

/**
 * The raw body of an API route: Next's parser must not have run (it sets `req.body` and reads the
 * stream), then the stream is read up to `limit` (a bigger `Content-Length` is refused first)
 * within `timeoutMs`.
 */
async function readApiBody(req: NextApiRequest, res: ServerResponse, limit: number, timeoutMs: number): Promise<Uint8Array | Failure> {
  if (req.body instanceof Uint8Array) return req.body
  if (req.body !== undefined || req.readableEnded) return bodyAlreadyParsed(FIX, req.body)
  const tooLarge = declaredTooLarge(req.headers['content-length'], limit)
  if (tooLarge !== undefined) return tooLarge
  return readBodyWithin(collect(req, limit), timeoutMs, () => {
    // stop taking bytes, and close the connection once the 408 is out: its unread rest makes it unusable
    req.pause()
    if (!res.headersSent) res.setHeader('connection', 'close')
  })
}

/** Collects the stream's chunks up to `limit`; past it the rest is dropped unread so the 413 goes out at once. */
function collect(req: IncomingMessage, limit: number): Promise<Uint8Array | Failure> {
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = []
    let size = 0
    const finish = (result: Uint8Array | Failure) => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onAbort)
      req.off('close', onClose)
      resolve(result)
    }
    const onData = (chunk: Uint8Array | string) => {
      if (typeof chunk === 'string') return finish(bodyReadFailure({ type: 'stream.encoding.set' }, limit, FIX))
      size += chunk.byteLength
      if (size > limit) {
        finish(overLimit(limit))
        req.resume()
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => finish(joinChunks(chunks, size))
    const onAbort = () => finish(aborted())
    const onClose = () => {
      if (!req.complete) finish(aborted())
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onAbort)
    req.on('close', onClose)
  })
}

/**
 * The URL as the sender called it (Designer Cloud signs it for GET/DELETE): `publicUrl` when
 * given, else the Host header and the socket's scheme. Behind a proxy that changes either, set `publicUrl`.
 */
function apiUrl(req: NextApiRequest, compiled: Compiled<NextApiRequest>): string {
  if (compiled.publicUrl !== undefined) return compiled.publicUrl(req)
  const path = req.url ?? '/'
  if (compiled.base !== undefined) return compiled.base + path
  const scheme = (req.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http'
  return `${scheme}://${req.headers.host ?? 'localhost'}${path}`
}
