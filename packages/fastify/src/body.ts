import type { Readable } from 'node:stream'
import { bodyAlreadyParsed, bodyReadFailure, type Failure, readBodyWithin } from '@hookproof/core/adapter'
import type { FastifyReply, FastifyRequest } from 'fastify'
import getRawBody from 'raw-body'

const FIX =
  'Another content-type parser read this request, so the exact bytes the signature covers are gone. ' +
  'verifyWebhook replaces every parser of the scope it is registered in: add no addContentTypeParser() in that scope or below it, ' +
  'and register the webhook routes in their own scope, e.g. app.register(async (scope) => { await scope.register(verifyWebhook); scope.post(path, handler) }). ' +
  'A parser that leaves a Buffer (parseAs: "buffer", or fastify-raw-body with encoding: false) is accepted as is.'

/**
 * The request streams hookproof's content-type parser handed on unread, by request: the parser
 * keeps Fastify's payload (the raw request, or what preParsing hooks made of it) for the flow to read.
 */
const payloads = new WeakMap<FastifyRequest, Readable>()

/**
 * hookproof's catch-all content-type parser: it reads nothing, so the flow reads the bytes itself
 * with the limit and the timeout, and answers its own 413/408/400 as `application/problem+json`.
 */
export function keepPayload(request: FastifyRequest, payload: Readable, done: (error: Error | null, body?: unknown) => void): void {
  payloads.set(request, payload)
  done(null, undefined)
}

/**
 * The raw body: the stream hookproof's parser kept, read with raw-body up to `limit`, or a Buffer
 * another parser left in `request.body` / `request.rawBody`. Any other body a parser left gives
 * `BODY_ALREADY_PARSED`; a request Fastify did not parse (GET, an empty POST) is read from the raw
 * request. Nothing here can hang on a short, long, aborted, chunked or trickling body
 * (`timeoutMs`: 408 `BODY_TIMEOUT`).
 */
export async function readRawBody(
  request: FastifyRequest,
  reply: FastifyReply,
  limit: number | string,
  timeoutMs: number,
): Promise<Uint8Array | Failure> {
  let stream = payloads.get(request)
  if (stream === undefined) {
    const left = leftBuffer(request)
    if (left !== undefined) return left
    if (request.body !== undefined || request.raw.readableEnded) return bodyAlreadyParsed(FIX, request.body)
    stream = request.raw
  }
  // a preParsing hook may have changed the stream (decompressed it): its length is not the header's
  const length =
    stream === request.raw && request.headers['transfer-encoding'] === undefined ? request.headers['content-length'] : undefined
  const source = stream
  try {
    return await readBodyWithin(getRawBody(source, { length, limit }), timeoutMs, () => stopReading(source, reply))
  } catch (error) {
    // raw-body paused the stream: drop the rest without keeping it, so the answer goes out at once
    // and the connection stays usable for a client still writing
    if (!source.readableEnded && !source.destroyed) source.resume()
    return bodyReadFailure(error, limit, FIX)
  }
}

/** A Buffer a user's own parser (`parseAs: 'buffer'`) or fastify-raw-body (`encoding: false`) left. */
function leftBuffer(request: FastifyRequest): Uint8Array | undefined {
  if (request.body instanceof Uint8Array) return request.body
  const raw = (request as { rawBody?: unknown }).rawBody
  return raw instanceof Uint8Array ? raw : undefined
}

/**
 * After a body timeout: stop taking bytes and close the connection once the 408 is out, since
 * the unread rest of the body makes the connection unusable for another request.
 */
function stopReading(stream: Readable, reply: FastifyReply): void {
  stream.pause()
  if (!reply.sent) reply.header('connection', 'close')
}
