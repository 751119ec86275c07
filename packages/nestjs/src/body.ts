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
 * `limit`. A parser that consumed the stream without keeping the bytes gives `BODY_ALREADY_PARSED`.
 */
export async function readRawBody(
  req: NestRequest,
  res: ServerResponse,
  limit: number | string,
  timeoutMs: number,
): Promise<Uint8Array | Failure> {
  const kept = req.rawBody instanceof Uint8Array ? req.rawBody : req.body instanceof Uint8Array ? req.body : undefined
  if (kept !== undefined) {
    // Nest buffered it already: still held to `limit`, so the option means the same on every path
    return kept.byteLength > limitBytes(limit) ? bodyReadFailure({ type: 'entity.too.large' }, limit, FIX) : kept
  }
  const raw = (req.raw ?? req) as IncomingMessage & { _body?: boolean }
  if (raw._body === true || raw.readableEnded) return bodyAlreadyParsed(FIX, req.body)
  const length = raw.headers['transfer-encoding'] === undefined ? raw.headers['content-length'] : undefined
  try {
    return await readBodyWithin(getRawBody(raw, { length, limit }), timeoutMs, () => stopReading(raw, res))
  } catch (error) {
    // raw-body paused the stream: drop the rest without keeping it, so the answer goes out at once
    if (!raw.readableEnded && !raw.destroyed) raw.resume()
    return bodyReadFailure(error, limit, FIX)
  }
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

/**
 * `limit` in bytes, read as raw-body reads it (`'1mb'` is 1 MiB); checked at startup, so a size
 * raw-body would not understand fails there rather than per request.
 */
export function limitBytes(limit: unknown): number {
  if (typeof limit === 'number' && limit >= 0) return limit
  const match = typeof limit === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(limit) : null
  if (match === null) throw new TypeError(`limit must be a number of bytes or a size such as '1mb', got ${String(limit)}`)
  return Math.floor(Number(match[1]) * (UNITS[(match[2] ?? 'b').toLowerCase()] as number))
}

/** After a body timeout: stop taking bytes and close the connection once the 408 is out. */
function stopReading(req: IncomingMessage, res: ServerResponse): void {
  req.pause()
  if (!res.headersSent) res.setHeader('connection', 'close')
}
