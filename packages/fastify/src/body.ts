import type { Readable } from 'node:stream'
import { bodyAlreadyParsed, bodyReadFailure, bodyTimedOut, type Failure } from '@hookproof/core/adapter'
import type { FastifyReply, FastifyRequest } from 'fastify'

const FIX =
  'Another content-type parser read this request, so the exact bytes the signature covers are gone. ' +
  'verifyWebhook replaces every parser of the scope it is registered in: add no addContentTypeParser() in that scope or below it, ' +
  'and register the webhook routes in their own scope, e.g. app.register(async (scope) => { await scope.register(verifyWebhook); scope.post(path, handler) }). ' +
  'A parser that leaves a Buffer (parseAs: "buffer", or fastify-raw-body with encoding: false) is accepted as is.'

/** What one read of a body ends in: the bytes, or the flow's failure (413, 408, 400, 500). */
type Outcome = Uint8Array | Failure

/** How hookproof's parser reads: the limit in bytes and the body-read timeout, both fixed at registration. */
export interface BodyLimits {
  limit: number
  timeoutMs: number
}

/**
 * A body the parser refused, as it hands it to Fastify in `request.body` (the read bytes go there
 * as they are). Not a `WeakMap` from request to outcome: an entry per request, keyed by an
 * object that dies with it, cost ~7% of the route's CPU at a fixed 1000 req/s (ephemerons are
 * extra work for every garbage collection).
 */
class Refused {
  constructor(readonly failure: Failure) {}
}

/**
 * hookproof's catch-all content-type parser: reads the payload Fastify hands it (the raw request,
 * or what preParsing hooks made of it) as Fastify's own `parseAs: 'buffer'` does, on the stream's
 * events, with the limit and the timeout; leaves the bytes, or the failure, in `request.body` for
 * the flow, which answers its own 413/408/400 as `application/problem+json` and replaces the
 * bytes with the verified payload.
 */
export function bodyParser({ limit, timeoutMs }: BodyLimits) {
  return function hookproofRawBody(request: FastifyRequest, payload: Readable, done: (error: Error | null, body?: unknown) => void): void {
    readStream(payload, declaredLength(request, payload), limit, timeoutMs, (outcome) => {
      done(null, outcome instanceof Uint8Array ? outcome : new Refused(outcome))
    })
  }
}

/**
 * The raw body: what hookproof's parser read, or a Buffer another parser left in `request.body` /
 * `request.rawBody`. Any other body a parser left gives `BODY_ALREADY_PARSED`; a request Fastify
 * did not parse (GET, an empty POST) is read from the raw request. Nothing here can hang on a
 * short, long, aborted, chunked or trickling body (`timeoutMs`: 408 `BODY_TIMEOUT`).
 */
export function readRawBody(request: FastifyRequest, reply: FastifyReply, { limit, timeoutMs }: BodyLimits): Outcome | Promise<Outcome> {
  const body = request.body
  if (body instanceof Refused) return closeIfStalled(body.failure, reply)
  const left = leftBuffer(request)
  if (left !== undefined) return left
  if (body !== undefined || request.raw.readableEnded) return bodyAlreadyParsed(FIX, body)
  return new Promise((resolve) =>
    readStream(request.raw, declaredLength(request, request.raw), limit, timeoutMs, (outcome) => resolve(closeIfStalled(outcome, reply))),
  )
}

/**
 * After a body timeout: the connection closes once the 408 is out, since the unread rest of the
 * body makes it unusable for another request.
 */
function closeIfStalled(outcome: Outcome, reply: FastifyReply): Outcome {
  if (!(outcome instanceof Uint8Array) && outcome.code === 'BODY_TIMEOUT' && !reply.sent) reply.header('connection', 'close')
  return outcome
}

/** `Content-Length` when `stream` is the raw request: a preParsing hook may have changed the stream (decompressed it). */
function declaredLength(request: FastifyRequest, stream: Readable): number | undefined {
  if (stream !== request.raw || request.headers['transfer-encoding'] !== undefined) return undefined
  const declared = Number(request.headers['content-length'] ?? Number.NaN)
  return Number.isNaN(declared) ? undefined : declared
}

/**
 * Reads `stream` to its end into one Buffer, keeping nothing past `limit` bytes; calls `finish`
 * exactly once: with the bytes, or with 413 (a declared length over the limit, before reading;
 * or the first chunk past it), 400 (aborted, closed early, a stream error, a length that differs
 * from `Content-Length`), 500 (a stream already read or decoding text), or 408 after `timeoutMs`.
 * On a failure the rest of the body is drained without being kept, so the answer goes out at
 * once and the connection stays usable; after a timeout the stream is paused instead.
 */
function readStream(
  stream: Readable,
  length: number | undefined,
  limit: number,
  timeoutMs: number,
  finish: (outcome: Outcome) => void,
): void {
  const refused =
    length !== undefined && length > limit
      ? 'entity.too.large'
      : stream.readableEncoding !== null && stream.readableEncoding !== undefined
        ? 'stream.encoding.set'
        : stream.readable === false
          ? 'stream.not.readable'
          : undefined
  if (refused !== undefined) {
    // a refused body is drained without being kept, except one already read
    if (refused !== 'stream.not.readable') fail({ type: refused })
    else finish(bodyReadFailure({ type: refused }, limit, FIX))
    return
  }
  const chunks: Buffer[] = []
  let received = 0
  const timer = Number.isFinite(timeoutMs) ? setTimeout(onTimeout, timeoutMs) : undefined
  stream.on('data', onData)
  stream.on('end', onEnd)
  stream.on('error', onError)
  stream.on('aborted', onAborted)
  stream.on('close', onAborted)
  // a payload stream Fastify hands on is paused: `on('data')` alone resumes only a fresh one
  stream.resume()

  function onData(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    received += bytes.length
    if (received > limit) fail({ type: 'entity.too.large' }, true)
    else chunks.push(bytes)
  }
  function onEnd(): void {
    if (length !== undefined && received !== length) {
      fail({ type: 'request.size.invalid' }, true)
      return
    }
    stop()
    finish(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received))
  }
  function onError(error: unknown): void {
    fail(error, true)
  }
  function onAborted(): void {
    fail({ type: 'request.aborted' }, true)
  }
  function onTimeout(): void {
    stop()
    // stop taking bytes: the connection closes after the 408 (closeIfStalled)
    stream.pause()
    finish(bodyTimedOut(timeoutMs))
  }
  function stop(): void {
    if (timer !== undefined) clearTimeout(timer)
    stream.removeListener('data', onData)
    stream.removeListener('end', onEnd)
    stream.removeListener('error', onError)
    stream.removeListener('aborted', onAborted)
    stream.removeListener('close', onAborted)
  }
  function fail(error: unknown, reading = false): void {
    if (reading) stop()
    // drop the rest without keeping it
    if (!stream.readableEnded && !stream.destroyed) stream.resume()
    finish(bodyReadFailure(error, limit, FIX))
  }
}

/** A Buffer a user's own parser (`parseAs: 'buffer'`) or fastify-raw-body (`encoding: false`) left. */
function leftBuffer(request: FastifyRequest): Uint8Array | undefined {
  if (request.body instanceof Uint8Array) return request.body
  const raw = (request as { rawBody?: unknown }).rawBody
  return raw instanceof Uint8Array ? raw : undefined
}
