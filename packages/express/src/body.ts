import type { IncomingMessage, ServerResponse } from 'node:http'
import { bodyAlreadyParsed, bodyReadFailure, type Failure, readBodyWithin } from '@hookproof/core/adapter'
import getRawBody from 'raw-body'

/**
 * What to do when a parser read the stream first. A route-level `express.raw()` is no fix: a
 * global `app.use(express.json())` runs before it, so it finds the stream spent too.
 */
export const FIX =
  'express.json() (or another body parser) already read this request, so the exact bytes the signature covers are gone. ' +
  'Register the webhook route before app.use(express.json()), e.g. app.post(path, verifyWebhook(), handler) first, ' +
  'or keep the raw bytes where verifyWebhook() reads them: app.use(express.json({ verify: (req, _res, buf) => { req.rawBody = buf } }))'

interface ParsedRequest extends IncomingMessage {
  body?: unknown
  /** set by body-parser once it read the stream */
  _body?: boolean
}

/**
 * The raw body: the Buffer `express.raw()` left, or the stream read with raw-body up to `limit`.
 * When a parser consumed the stream first, the bytes it kept in `req.rawBody` (a Buffer or
 * Uint8Array, as `express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })` and NestJS
 * leave them), else `BODY_ALREADY_PARSED`. Nothing here can hang on a short, long, aborted,
 * chunked or trickling body (`timeoutMs`: 408 `BODY_TIMEOUT`).
 */
export function readRawBody(
  req: ParsedRequest,
  res: ServerResponse,
  limit: number,
  timeoutMs: number,
): Uint8Array | Failure | Promise<Uint8Array | Failure> {
  // bytes already in hand are returned as is, not in a Promise: the flow then verifies without waiting a tick
  const parsed = req.body
  if (parsed instanceof Uint8Array) return parsed
  if (req._body === true || req.readableEnded) {
    // the raw bytes an express.json({ verify }) recipe or NestJS (rawBody: true) kept
    const raw = (req as { rawBody?: unknown }).rawBody
    return raw instanceof Uint8Array ? raw : bodyAlreadyParsed(FIX, parsed)
  }
  return readStream(req, res, limit, timeoutMs)
}

/** The stream, read with raw-body up to `limit`, within `timeoutMs`. */
async function readStream(req: ParsedRequest, res: ServerResponse, limit: number, timeoutMs: number): Promise<Uint8Array | Failure> {
  const headers = req.headers
  const length = headers['transfer-encoding'] === undefined ? headers['content-length'] : undefined
  try {
    // body-parser's mark, `req._body`, is set by the middleware's `handle` with req.webhook and req.body
    return await readBodyWithin(getRawBody(req, { length, limit }), timeoutMs, () => stopReading(req, res))
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
