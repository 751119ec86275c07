import type { IncomingMessage } from 'node:http'
import { type Failure, STATUS, type WebhookErrorCode } from '@hookproof/core'
import getRawBody from 'raw-body'

const FIX =
  'express.json() (or another body parser) already read this request, so the exact bytes the signature covers are gone. ' +
  'Register the webhook route before app.use(express.json()), e.g. app.post(path, verifyWebhook(), handler), ' +
  'or give that route express.raw({ type: "*/*" }) instead.'

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

interface ParsedRequest extends IncomingMessage {
  body?: unknown
  /** set by body-parser once it read the stream */
  _body?: boolean
}

/**
 * The raw body: the Buffer `express.raw()` left, or the stream read with raw-body up to `limit`.
 * A parser that consumed the stream first gives `BODY_ALREADY_PARSED`; nothing here can hang on
 * a short, long, aborted or chunked body.
 */
export async function readRawBody(req: ParsedRequest, limit: number | string): Promise<Uint8Array | Failure> {
  if (req.body instanceof Uint8Array) return req.body
  if (req._body === true || req.readableEnded) {
    const what = typeof req.body === 'string' ? 'a string' : req.body === undefined ? 'nothing' : 'an object'
    return failure('BODY_ALREADY_PARSED', `${FIX} (req.body is ${what})`)
  }
  const length = req.headers['transfer-encoding'] === undefined ? req.headers['content-length'] : undefined
  try {
    const body = await getRawBody(req, { length, limit })
    // body-parser's own mark: an express.json() mounted after this middleware skips the spent stream
    req._body = true
    return body
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
