import type { IncomingMessage } from 'node:http'
import { type Failure, STATUS, type WebhookErrorCode } from '@hookproof/core'
import getRawBody from 'raw-body'

const FIX =
  '@koa/bodyparser (or another body parser) already read this request, so the exact bytes the signature covers are gone. ' +
  'Register verifyWebhook() before app.use(bodyParser()), or set ctx.disableBodyParser = true for webhook paths in a middleware that runs before bodyParser().'

function failure(code: WebhookErrorCode, message: string): Failure {
  return { ok: false, code, status: STATUS[code], message }
}

/**
 * Drops the rest of the body without keeping it. raw-body paused the stream on error; the answer
 * goes out at once and the connection stays usable for the client still writing.
 */
function discard(req: IncomingMessage): void {
  if (!req.readableEnded && !req.destroyed) req.resume()
}

/** The parts of a Koa context the body reader touches (Koa 2 and 3). */
export interface BodyContext {
  req: IncomingMessage
  request: { body?: unknown; rawBody?: unknown }
}

/**
 * The raw body: a Buffer a previous middleware left in `ctx.request.body`, or the stream read
 * with raw-body up to `limit`. A parser that consumed the stream first gives
 * `BODY_ALREADY_PARSED`; nothing here can hang on a short, long, aborted or chunked body.
 */
export async function readRawBody(ctx: BodyContext, limit: number | string): Promise<Uint8Array | Failure> {
  const req = ctx.req
  const parsed = ctx.request.body
  if (parsed instanceof Uint8Array) return parsed
  if (typeof ctx.request.rawBody === 'string' || req.readableEnded) {
    const what = typeof parsed === 'string' ? 'a string' : parsed === undefined ? 'nothing' : 'an object'
    return failure('BODY_ALREADY_PARSED', `${FIX} (ctx.request.body is ${what})`)
  }
  const length = req.headers['transfer-encoding'] === undefined ? req.headers['content-length'] : undefined
  try {
    return await getRawBody(req, { length, limit })
  } catch (error) {
    const type = (error as { type?: unknown }).type
    if (type === 'entity.too.large') {
      discard(req)
      return failure('BODY_TOO_LARGE', `The body is larger than the ${String(limit)} byte limit (the limit option)`)
    }
    if (type === 'request.aborted') return failure('INVALID_PAYLOAD', 'The request was aborted before its body arrived')
    if (type === 'request.size.invalid') {
      discard(req)
      return failure('INVALID_PAYLOAD', 'The body length differs from its Content-Length')
    }
    if (type === 'stream.not.readable' || type === 'stream.encoding.set') return failure('BODY_ALREADY_PARSED', FIX)
    discard(req)
    return failure('INVALID_PAYLOAD', 'The request body could not be read')
  }
}
