import { bodyAlreadyParsed, bodyReadFailure, type Failure, readBodyWithin, readWebStream } from '@hookproof/core/adapter'
import type { HonoRequest } from 'hono'

const FIX =
  "Something read this request's body before verifyWebhook() (c.req.json(), c.req.text(), c.req.parseBody(), validator('json') " +
  'or a middleware reading c.req.raw), so the exact bytes the signature covers are gone. Put verifyWebhook() first on the webhook route, ' +
  "e.g. app.post(path, verifyWebhook(), handler), and read the payload from c.get('webhook').payload; a middleware that must run " +
  'first can read c.req.arrayBuffer(), whose bytes are taken as they are.'

type Cache = Partial<Record<'json' | 'text' | 'arrayBuffer' | 'blob' | 'formData', Promise<unknown>>>

/** What a body read ends in, besides the bytes: the flow's failure, and whether the stream was left unread. */
export interface BodyRead {
  /** Set when the body timed out: the rest of it is unread, so the connection must close after the answer. */
  stalled: boolean
}

/**
 * The raw body of `req`, never more than `limit` bytes of it (`declared`: its `Content-Length`): the bytes an earlier
 * `c.req.arrayBuffer()` (or `.blob()`) cached, else the stream read chunk by chunk. A declared
 * `Content-Length` over the limit is refused before reading, a chunked body at the first chunk past
 * it; a body not complete within `timeoutMs` is 408 `BODY_TIMEOUT`; a body another reader parsed
 * first (`c.req.json()`, a validator) is 500 `BODY_ALREADY_PARSED` naming the fix.
 */
export async function readRawBody(
  req: HonoRequest,
  declared: string | readonly string[] | null | undefined,
  limit: number,
  timeoutMs: number,
  state: BodyRead,
): Promise<Uint8Array | Failure> {
  const cache = req.bodyCache as Cache
  const exact = cache.arrayBuffer ?? cache.blob
  if (exact !== undefined) return withinLimit(asNodeBuffer(await bytesOf(exact)), limit)
  const parsed = Object.keys(cache)
  if (parsed.length > 0 || req.raw.bodyUsed) {
    return bodyAlreadyParsed(FIX, parsed.includes('text') ? '' : parsed.length > 0 ? {} : undefined)
  }
  const length = typeof declared === 'string' && /^\s*\d+\s*$/.test(declared) ? Number(declared) : undefined
  if (length !== undefined && length > limit) return tooLarge(limit)
  // a declared length bounds the body (the HTTP parser reads exactly that many bytes): read it in
  // one call, which @hono/node-server serves straight from the socket without building a stream;
  // without one, chunk by chunk
  let reading: Promise<Uint8Array | Failure>
  if (length !== undefined) reading = req.raw.arrayBuffer().then((b) => new Uint8Array(b))
  else {
    const stream = req.raw.body
    if (stream === null) return keep(req, new Uint8Array(0))
    const reader = stream.getReader()
    // past the limit nothing more is kept; the server drains or closes the rest after the answer
    reading = readWebStream(reader, limit, (why) => (why === 'too-large' ? reader.releaseLock() : void reader.cancel().catch(() => {})))
  }
  try {
    const body = await readBodyWithin(reading, timeoutMs, () => {
      // the unread rest stays in the socket: the answer closes the connection instead of draining it
      state.stalled = true
    })
    return body instanceof Uint8Array ? keep(req, body) : body
  } catch (error) {
    return bodyReadFailure({ type: 'request.aborted', cause: error }, limit, FIX)
  }
}

async function bytesOf(cached: Promise<unknown>): Promise<Uint8Array> {
  const value = await cached
  return new Uint8Array(value instanceof ArrayBuffer ? value : await (value as Blob).arrayBuffer())
}

function withinLimit(bytes: Uint8Array, limit: number): Uint8Array | Failure {
  return bytes.byteLength > limit ? tooLarge(limit) : bytes
}

function tooLarge(limit: number): Failure {
  return bodyReadFailure({ type: 'entity.too.large' }, limit, FIX)
}

/**
 * Leaves the bytes in Hono's body cache, so `c.req.json()`, `.text()` or a validator after the
 * middleware read them instead of the spent stream (Hono builds a `Response` of the cached
 * `ArrayBuffer`, which copies it). The cache is empty here (a cached or parsed body was answered
 * above), so it is replaced by a plain object whose `arrayBuffer` is the body's own memory when
 * the read gave a whole `ArrayBuffer` (the `Content-Length` path), else a copy of a chunk's view
 * into a larger one. Measured at a fixed rate (`bench/fixed-rate.ts --together`, 1 KiB): a lazy
 * copy behind a getter on an object literal cost ~8% of the route's CPU (an accessor literal is
 * built by a runtime call each time, with two closures), `Object.defineProperty` on Hono's own
 * object about 1 µs, the plain object 0-4%.
 */
function keep(req: HonoRequest, read: Uint8Array): Uint8Array {
  const whole = read.byteOffset === 0 && read.byteLength === read.buffer.byteLength
  ;(req as { bodyCache: Cache }).bodyCache = { arrayBuffer: Promise.resolve(whole ? read.buffer : read.slice().buffer) }
  return asNodeBuffer(read)
}

type BufferFrom = (buffer: ArrayBufferLike, byteOffset: number, length: number) => Uint8Array
const NodeBuffer = (globalThis as { Buffer?: { from: BufferFrom } }).Buffer

/** On Node, a `Buffer` view of the same memory (what the other Node adapters hand out as `rawBody`); elsewhere the bytes as they are. */
function asNodeBuffer(bytes: Uint8Array): Uint8Array {
  return NodeBuffer === undefined ? bytes : NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
