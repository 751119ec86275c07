import { bodyAlreadyParsed, bodyReadFailure, type Failure, readBodyWithin } from '@hookproof/core/adapter'

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

/** Joins chunks once at the end; a single chunk is returned as it is. */
export function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const out = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.byteLength
  }
  return out
}

/**
 * The raw bytes of a Fetch `Request` (App Router, node and edge): `Content-Length` checked first,
 * then the stream read chunk by chunk and cancelled at the first chunk past `limit`, all within
 * `timeoutMs` (408 `BODY_TIMEOUT`, and the stream is cancelled).
 */
export async function readRequestBody(request: Request, limit: number, timeoutMs: number): Promise<Uint8Array | Failure> {
  if (request.bodyUsed) {
    return bodyAlreadyParsed(
      'The request body was already read (request.json(), .text() or .formData() ran before withWebhook), so the exact bytes the signature covers are gone. Let withWebhook read it: the handler gets webhook.payload and webhook.rawBody',
      undefined,
    )
  }
  const tooLarge = declaredTooLarge(request.headers.get('content-length'), limit)
  if (tooLarge !== undefined) return tooLarge
  const stream = request.body
  if (stream === null) return new Uint8Array(0)
  const reader = stream.getReader()
  const cancel = () => void reader.cancel().catch(() => {})
  try {
    return await readBodyWithin(readChunks(reader, limit, cancel), timeoutMs, cancel)
  } catch {
    cancel()
    return aborted()
  }
}

async function readChunks(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limit: number,
  cancel: () => void,
): Promise<Uint8Array | Failure> {
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return concat(chunks, size)
    const chunk: unknown = value
    if (!ArrayBuffer.isView(chunk)) {
      cancel()
      return bodyReadFailure(new TypeError('the request body stream yielded something other than bytes'), limit, '')
    }
    // a view from another realm (the edge sandbox) or a Buffer is taken as bytes without a copy
    const bytes = chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    size += bytes.byteLength
    if (size > limit) {
      // stop the upload: nothing past the limit is read or kept
      cancel()
      return overLimit(limit)
    }
    chunks.push(bytes)
  }
}
