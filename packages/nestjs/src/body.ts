import type { IncomingMessage, ServerResponse } from 'node:http'
import { bodyAlreadyParsed, bodyReadFailure, type Failure, readBodyWithin } from '@hookproof/core/adapter'
import getRawBody from 'raw-body'
import type { NestRequest } from './types.js'

/** The remedy named in `BODY_ALREADY_PARSED`: what a Nest app changes so the raw bytes are kept. */
export const FIX =
  "Nest's body parser already read this request and kept no raw bytes, so the exact bytes the signature covers are gone. " +
  'Create the app with NestFactory.create(AppModule, { rawBody: true }) so that req.rawBody holds them ' +
  "(on the Fastify platform, a content type other than JSON or a form also needs app.useBodyParser('<content type>'))."

/**
 * The raw body: the Buffer Nest kept in `rawBody` (`rawBody: true`), a Buffer body left by a raw
 * parser, or, for a content type Nest has no parser for, the stream read with raw-body up to
 * `limit` bytes. A parser that consumed the stream without keeping the bytes gives `BODY_ALREADY_PARSED`.
 */
export function readRawBody(
  req: NestRequest,
  res: ServerResponse,
  limit: number,
  timeoutMs: number,
): Uint8Array | Failure | Promise<Uint8Array | Failure> {
  const kept = req.rawBody instanceof Uint8Array ? req.rawBody : req.body instanceof Uint8Array ? req.body : undefined
  if (kept !== undefined) {
    // Nest buffered it already: still held to `limit`, so the option means the same on every path
    // (returned as is, not in a Promise: the flow then verifies without waiting a tick)
    return kept.byteLength > limit ? bodyReadFailure({ type: 'entity.too.large' }, limit, FIX) : kept
  }
  const raw = (req.raw ?? req) as IncomingMessage & { _body?: boolean }
  if (raw._body === true || raw.readableEnded) return bodyAlreadyParsed(FIX, req.body)
  return readStream(raw, res, limit, timeoutMs)
}

/** The stream, read with raw-body up to `limit`, within `timeoutMs`. */
async function readStream(raw: IncomingMessage, res: ServerResponse, limit: number, timeoutMs: number): Promise<Uint8Array | Failure> {
  const length = raw.headers['transfer-encoding'] === undefined ? raw.headers['content-length'] : undefined
  try {
    return await readBodyWithin(getRawBody(raw, { length, limit }), timeoutMs, () => stopReading(raw, res))
  } catch (error) {
    // raw-body paused the stream: drop the rest without keeping it, so the answer goes out at once
    if (!raw.readableEnded && !raw.destroyed) raw.resume()
    return bodyReadFailure(error, limit, FIX)
  }
}

/** After a body timeout: stop taking bytes and close the connection once the 408 is out. */
function stopReading(req: IncomingMessage, res: ServerResponse): void {
  req.pause()
  if (!res.headersSent) res.setHeader('connection', 'close')
}
