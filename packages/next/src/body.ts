import { bodyAlreadyParsed, bodyReadFailure, type Failure, readBodyWithin, readWebStream } from '@hookproof/core/adapter'

/** 413 before reading a byte when the declared `Content-Length` is over the limit. */
export function declaredTooLarge(contentLength: string | null | undefined, limit: number): Failure | undefined {
  if (typeof contentLength !== 'string' || !/^\s*\d+\s*$/.test(contentLength)) return undefined
  return Number(contentLength) > limit ? overLimit(limit) : undefined
}

/** 413 `BODY_TOO_LARGE`, built by core's helper so the message matches every adapter's. */
export function overLimit(limit: number): Failure {
  return bodyReadFailure({ type: 'entity.too.large' }, limit, '')
}

/** 400 `INVALID_PAYLOAD`: the client went away or the stream failed before the body was complete. */
export function aborted(): Failure {
  return bodyReadFailure({ type: 'request.aborted' }, 0, '')
}

/**
 * The raw bytes of a Fetch `Request` (App Router, node and edge): `Content-Length` checked first,
 * then the stream read chunk by chunk, nothing kept past `limit` (413; the rest is read and
 * dropped for at most `timeoutMs`), all within `timeoutMs` (408 `BODY_TIMEOUT`, and the stream
 * is cancelled).
 */
export async function readRequestBody(request: Request, limit: number, timeoutMs: number): Promise<Uint8Array | Failure> {
  if (request.bodyUsed) {
    return bodyAlreadyParsed(
      'The request body was already read (request.json(), .text() or .formData() ran before withWebhook), so the exact bytes the signature covers are gone. Let withWebhook read it: the handler gets webhook.payload and webhook.rawBody',
      undefined,
    )
  }
  const stream = request.body
  const tooLarge = declaredTooLarge(request.headers.get('content-length'), limit)
  if (tooLarge !== undefined) {
    if (stream !== null) discard(stream.getReader(), timeoutMs)
    return tooLarge
  }
  if (stream === null) return new Uint8Array(0)
  const reader = stream.getReader()
  const cancel = () => void reader.cancel().catch(() => {})
  try {
    // past the limit the rest is read and dropped (see discard) so that the 413 arrives
    const read = readWebStream(reader, limit, (why) => (why === 'too-large' ? discard(reader, timeoutMs) : cancel()))
    return await readBodyWithin(read, timeoutMs, cancel)
  } catch {
    cancel()
    return aborted()
  }
}

/**
 * Reads the rest of a refused body without keeping it, for at most `timeoutMs`, then cancels.
 * Next's node server drops the connection of a request whose body was left unread, so the sender
 * would see a broken pipe instead of the 413; reading on lets the answer arrive, and the cap
 * keeps an endless upload from holding the route.
 */
function discard(reader: ReadableStreamDefaultReader<Uint8Array>, timeoutMs: number): void {
  const cancel = () => void reader.cancel().catch(() => {})
  const deadline = Date.now() + timeoutMs
  // the timer stops a stalled upload; the deadline one that never waits (each read then resolves
  // at once and no timer would get its turn)
  const timer = Number.isFinite(timeoutMs) ? setTimeout(cancel, timeoutMs) : undefined
  const next = (): Promise<void> =>
    reader.read().then(({ done }) => {
      if (done) return
      if (Date.now() > deadline) return cancel()
      return next()
    })
  next()
    .catch(() => {})
    .finally(() => clearTimeout(timer))
}
