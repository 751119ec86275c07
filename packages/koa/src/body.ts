import type { IncomingMessage, ServerResponse } from 'node:http'
import { bodyAlreadyParsed, bodyReadFailure, type Failure, readBodyWithin } from '@hookproof/core/adapter'
import getRawBody from 'raw-body'

const FIX =
  '@koa/bodyparser (or another body parser) already read this request, so the exact bytes the signature covers are gone. ' +
  'Register verifyWebhook() before app.use(bodyParser()), or set ctx.disableBodyParser = true for webhook paths in a middleware that runs before bodyParser().'

/** The parts of a Koa context the body reader touches (Koa 2 and 3). */
export interface BodyContext {
  req: IncomingMessage
  res: ServerResponse
  request: { body?: unknown; rawBody?: unknown }
}

/**
 * The raw body: a Buffer a previous middleware left in `ctx.request.body`, or the stream read
 * with raw-body up to `limit`. A parser that consumed the stream first gives
 * `BODY_ALREADY_PARSED`; nothing here can hang on a short, long, aborted, chunked or trickling
 * body (`timeoutMs`: 408 `BODY_TIMEOUT`).
 */
export function readRawBody(ctx: BodyContext, limit: number, timeoutMs: number): Uint8Array | Failure | Promise<Uint8Array | Failure> {
  const req = ctx.req
  // bytes already in hand are returned as is, not in a Promise: the flow then verifies without waiting a tick
  const parsed = ctx.request.body
  if (parsed instanceof Uint8Array) return parsed
  if (typeof ctx.request.rawBody === 'string' || req.readableEnded) return bodyAlreadyParsed(FIX, parsed)
  return readStream(ctx, req, limit, timeoutMs)
}

/** The stream, read with raw-body up to `limit`, within `timeoutMs`. */
async function readStream(ctx: BodyContext, req: IncomingMessage, limit: number, timeoutMs: number): Promise<Uint8Array | Failure> {
  const length = req.headers['transfer-encoding'] === undefined ? req.headers['content-length'] : undefined
  try {
    return await readBodyWithin(getRawBody(req, { length, limit }), timeoutMs, () => {
      // stop taking bytes, and close the connection once the 408 is out: its unread rest makes it unusable
      req.pause()
      if (!ctx.res.headersSent) ctx.res.setHeader('connection', 'close')
    })
  } catch (error) {
    // raw-body paused the stream: drop the rest without keeping it, so the answer goes out at once
    // and the connection stays usable for a client still writing
    if (!req.readableEnded && !req.destroyed) req.resume()
    return bodyReadFailure(error, limit, FIX)
  }
}
