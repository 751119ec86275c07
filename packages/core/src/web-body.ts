import { type Failure, fail } from './failure.js'

/** Why {@link readWebStream} stopped before the end: more than the limit, or a chunk that is not bytes. */
export type StreamStop = 'too-large' | 'not-bytes'

/**
 * Reads a Fetch body stream up to `limit` bytes, for `verifyRequest` and the adapters on Fetch
 * requests (Hono, Next's App Router). A view from another realm (an edge sandbox) or a Buffer is
 * taken as bytes without a copy; the chunks are joined once at the end, not at all when there is
 * one. The first chunk past the limit ends the read with 413 `BODY_TOO_LARGE`, a chunk that is
 * not bytes (a hand-made stream of strings) with 400 `INVALID_PAYLOAD`: nothing of either is
 * kept, and `stop` decides what becomes of the rest (cancel it, drain it so the answer arrives,
 * or leave it to the server).
 *
 * @example
 * const body = await readWebStream(request.body.getReader(), 5 * 1024 * 1024, () => void reader.cancel().catch(() => {}))
 */
export async function readWebStream(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limit: number,
  stop: (why: StreamStop) => void,
): Promise<Uint8Array | Failure> {
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return joinChunks(chunks, size)
    const chunk: unknown = value
    if (!ArrayBuffer.isView(chunk)) {
      stop('not-bytes')
      return fail('INVALID_PAYLOAD', 'The request body stream yielded something other than bytes')
    }
    const bytes = chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    size += bytes.byteLength
    if (size > limit) {
      stop('too-large')
      return fail('BODY_TOO_LARGE', `The body is larger than the ${limit} byte limit (the limit option)`)
    }
    chunks.push(bytes)
  }
}

/**
 * `size` bytes of chunks as one array: the chunk itself when there is one, else one copy.
 *
 * @example
 * joinChunks([new Uint8Array([1]), new Uint8Array([2, 3])], 3) // Uint8Array [1, 2, 3]
 */
export function joinChunks(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const out = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.byteLength
  }
  return out
}
