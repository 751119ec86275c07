import { type Failure, fail, isWebhookVerificationError, type ProblemOptions, rejection, toFetchResponse } from './errors.js'
import { logRejection } from './log.js'
import { isFailure } from './provider.js'
import type { CheckResult, Verifier, VerifyInput } from './verify.js'
import { readWebStream } from './web-body.js'

/**
 * 5 MiB: the default body `limit` of every adapter; above it, 413 `BODY_TOO_LARGE`.
 *
 * @example
 * app.post('/webhooks/up42', verifyWebhook({ provider: 'up42', secret, limit: 2 * DEFAULT_BODY_LIMIT }), handler)
 */
export const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024

/**
 * Options of the Fetch adapter itself (the verifier's options go in the second argument).
 * `exposeDetails` (see {@link ProblemOptions}) is remembered by the rejection, so
 * `toResponse(error)` answers with or without `detail` accordingly.
 *
 * @example
 * const hook = await verifyRequest(request, verifier, { limit: 1024 * 1024, exposeDetails: false })
 */
export interface RequestOptions extends ProblemOptions {
  /**
   * Largest body accepted, in bytes. Default 5 MiB. Checked against `Content-Length` before the
   * body is read, and against the bytes read (chunked bodies have no `Content-Length`).
   */
  limit?: number
}

/**
 * The smallest view of a Fetch `Request` the adapter reads: Workers, Deno, Bun, undici, Next.js
 * `NextRequest` and Hono's `c.req.raw` all fit.
 *
 * @example
 * app.post('/hooks', async (c) => c.json((await verifyRequest(c.req.raw, verifier)).payload))
 */
export interface RequestLike {
  readonly method: string
  readonly url: string
  readonly headers: { get(name: string): string | null }
  readonly bodyUsed: boolean
  /** Read chunk by chunk, so the limit stops the upload at the first chunk past it. */
  readonly body?: ReadableStream<Uint8Array> | null
  /** Used only when `body` is not a stream (some older polyfills). */
  arrayBuffer(): Promise<ArrayBuffer>
}

function limitOf(options: RequestOptions | undefined): number {
  const limit = options?.limit ?? DEFAULT_BODY_LIMIT
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 0) {
    throw new TypeError(`limit must be a number of bytes, got ${String(limit)}`)
  }
  return limit
}

function tooLarge(size: number, limit: number): Failure {
  return fail('BODY_TOO_LARGE', `The body is ${size} bytes; the limit is ${limit} bytes`)
}

/**
 * Reads the body once, as bytes, never more than `limit` of them: a declared `Content-Length` over
 * the limit is refused before reading, and a chunked body is cancelled at the first chunk that
 * passes it. A failure record instead of a throw when it cannot.
 */
async function readBody(request: RequestLike, limit: number): Promise<Uint8Array | Failure> {
  if (request.bodyUsed) {
    return fail(
      'BODY_ALREADY_PARSED',
      'The request body was already read (request.json(), .text() or a framework body parser). Call verifyRequest(request) before anything reads the body, or pass request.clone()',
    )
  }
  const declared = request.headers.get('content-length')
  if (typeof declared === 'string' && /^\s*\d+\s*$/.test(declared) && Number(declared) > limit) {
    return tooLarge(Number(declared), limit)
  }
  const stream = request.body
  if (stream === null) return new Uint8Array(0)
  if (stream === undefined || typeof stream.getReader !== 'function') {
    const bytes = new Uint8Array(await request.arrayBuffer())
    return bytes.byteLength > limit ? tooLarge(bytes.byteLength, limit) : bytes
  }
  const reader = stream.getReader()
  // stop the upload: nothing past the limit is read or kept
  return readWebStream(reader, limit, () => void reader.cancel().catch(() => {}))
}

/**
 * @internal `checkRequest` on a compiled verifier: reads the body once (within the limit), checks
 * it, logs a rejection. Never throws for a bad request; the entry (`api.ts`) adds the TSDoc'd name.
 */
export async function checkRequestWith<Payload = unknown>(
  v: Verifier,
  request: RequestLike,
  options?: RequestOptions,
): Promise<CheckResult<Payload>> {
  const limit = limitOf(options)
  if (typeof request !== 'object' || request === null) {
    return fail('INVALID_PAYLOAD', 'checkRequest(request): request is not a Fetch Request')
  }
  const result = await checkWith<Payload>(v, request, limit)
  if (!result.ok) await logRejection(v, result)
  return result.ok || options?.exposeDetails === undefined ? result : { ...result, exposeDetails: options.exposeDetails }
}

async function checkWith<Payload>(v: Verifier, request: RequestLike, limit: number): Promise<CheckResult<Payload>> {
  let input: VerifyInput
  try {
    const body = await readBody(request, limit)
    if (isFailure(body)) return body
    input = { body, headers: request.headers, method: request.method, url: request.url }
  } catch {
    return fail('INVALID_PAYLOAD', 'The request body could not be read (the client disconnected or the stream failed)')
  }
  return v.check<Payload>(input)
}

/**
 * The problem+json `Response` (RFC 9457) for a rejection: the status from the code table,
 * `Retry-After` when the sender should come back later, `detail` unless details are hidden
 * (`exposeDetails: false`, the default when `NODE_ENV` is `production`). Takes a `WebhookVerificationError` or a
 * `check` failure; any other error is thrown again, so bugs are not answered as 4xx.
 *
 * @example
 * catch (error) { return toResponse(error) }
 * catch (error) { return toResponse(error, { exposeDetails: false }) } // code and title only
 * @throws the `error` itself when it is not a webhook rejection.
 */
export function toResponse(error: unknown, options?: ProblemOptions): Response {
  if (isWebhookVerificationError(error) || isFailure(error)) return toFetchResponse(rejection(error, options))
  throw error
}
