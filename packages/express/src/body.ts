import type { IncomingMessage, ServerResponse } from 'node:http'
import { bodyAlreadyParsed, bodyReadFailure, type Failure, readBodyWithin } from '@hookproof/core/adapter'
import getRawBody from 'raw-body'

const FIX =
  'express.json() (or another body parser) already read this request, so the exact bytes the signature covers are gone. ' +
  'Register the webhook route before app.use(express.json()), e.g. app.post(path, verifyWebhook(), handler), ' +
  'or give that route express.raw({ type: "*/*" }) instead.'

interface ParsedRequest extends IncomingMessage {
  body?: unknown
  /** set by body-parser once it read the stream */
  _body?: boolean
}

/**
 * The raw body: the Buffer `express.raw()` left, or the stream read with raw-body up to `limit`.
 * A parser that consumed the stream first gives `BODY_ALREADY_PARSED`; nothing here can hang on
 * a short, long, aborted, chunked or trickling body (`timeoutMs`: 408 `BODY_TIMEOUT`).
 */
export async function readRawBody(
  req: ParsedRequest,
  res: ServerResponse,
  limit: number | string,
  timeoutMs: number,
): Promise<Uint8Array | Failure> {
  if (req.body instanceof Uint8Array) return req.body
  if (req._body === true || req.readableEnded) return bodyAlreadyParsed(FIX, req.body)
  const length = req.headers['transfer-encoding'] === undefined ? req.headers['content-length'] : undefined
  try {
    const body = await readBodyWithin(getRawBody(req, { length, limit }), timeoutMs, () => stopReading(req, res))
    if (!(body instanceof Uint8Array)) return body
    // body-parser's own mark: an express.json() mounted after this middleware skips the spent stream
    req._body = true
    return body
  } catch (error) {
    // raw-body paused the stream: drop the rest without keeping it, so the answer goes out at once
    // and the connection stays usable for a client still writing
    if (!req.readableEnded && !req.destroyed) req.resume()
    return bodyReadFailure(error, limit, FIX)
  }
}

/**
 * After a body timeout: stop taking bytes and close the connection once the 408 is out, since
 * the unread rest of the body makes the connection unusable for another request.
 */
export function stopReading(req: IncomingMessage, res: ServerResponse): void {
  req.pause()
  if (!res.headersSent) res.setHeader('connection', 'close')
}
