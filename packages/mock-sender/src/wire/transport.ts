/**
 * One HTTP exchange, nothing else: exact bytes and header casing on the wire (node:http), or a
 * caller's `fetch`. Retries, clocks and signing live in `send.ts`.
 */
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { brotliDecompressSync, constants, gunzipSync, inflateSync } from 'node:zlib'
import type { TimeoutMode } from '../delivery.js'

/**
 * What went on the wire.
 *
 * @example
 * const request: WireRequest = { method: 'POST', url: 'http://localhost:3000/webhooks', headers: signed.headers, body: signed.body }
 */
export interface WireRequest {
  method: string
  url: string
  headers: Record<string, string>
  body: Uint8Array
  /** Wire order of header names, `Host` and `Content-Length` included (see `UnsignedDelivery.headerOrder`). */
  headerOrder?: readonly string[]
  /** How the timeout applies (see `UnsignedDelivery.timeoutMode`); default `'overall'`. */
  timeoutMode?: TimeoutMode
}

/**
 * What came back, or why nothing did.
 *
 * @example
 * const response: WireResponse = { status: 202, headers: { 'content-type': 'application/json' }, body: '{"ok":true}', durationMs: 12 }
 * const { status, error } = response // every SendAttempt carries these fields too
 */
export interface WireResponse {
  /** `undefined` when no response arrived (`error` says why). */
  status?: number
  /** Response headers, names lowercased; a repeated header's values joined with `, `. */
  headers: Record<string, string>
  /** The response body as UTF-8 text (at most 1 MiB is kept). */
  body: string
  /** Wall-clock time from sending to the end of the response, ms. */
  durationMs: number
  error?: TransportError
}

/**
 * Why a request got no response.
 *
 * @example
 * const error: TransportError = { kind: 'network', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3000' }
 */
export interface TransportError {
  /** `timeout`: no complete answer in time; `network`: no connection or it broke. */
  kind: 'timeout' | 'network'
  /** The system error code when there is one: `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, … */
  code?: string
  message: string
}

/**
 * The `fetch` signature `send` accepts in place of node:http.
 *
 * @example
 * const fetchImpl: FetchLike = (input, init) => fetch(input, init)
 * await send(signed, { url, fetch: fetchImpl })
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

const MAX_KEPT = 1024 * 1024
const BODYLESS = new Set(['GET', 'HEAD', 'DELETE'])

/**
 * Error codes meaning the receiver cannot be reached at all (a wrong URL, nothing listening).
 *
 * @example
 * UNREACHABLE_CODES.includes('ECONNREFUSED') // true
 */
export const UNREACHABLE_CODES: readonly string[] = Object.freeze([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
])

function errorCode(error: unknown): string | undefined {
  let e: unknown = error
  for (let depth = 0; depth < 4 && e !== null && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string') return code
    // AggregateError (happy eyeballs) and fetch's TypeError carry the cause one level down
    const errors = (e as { errors?: unknown[] }).errors
    e = Array.isArray(errors) && errors.length > 0 ? errors[0] : (e as { cause?: unknown }).cause
  }
  return undefined
}

function networkError(error: unknown): TransportError {
  const code = errorCode(error)
  const message = error instanceof Error ? error.message || String(code) : String(error)
  return { kind: 'network', ...(code === undefined ? {} : { code }), message }
}

function timeoutError(timeoutMs: number, mode: TimeoutMode = 'overall', phase: 'connect' | 'read' = 'read'): TransportError {
  if (mode === 'overall') return { kind: 'timeout', message: `no complete response within ${timeoutMs} ms` }
  return {
    kind: 'timeout',
    message: phase === 'connect' ? `no connection within ${timeoutMs} ms` : `nothing received for ${timeoutMs} ms`,
  }
}

/**
 * The headers node:http will send: the request's own plus `Content-Length` for a body method,
 * and, when `headerOrder` is given, `Host` too, all in that order.
 */
export function wireHeaders(request: WireRequest): Record<string, string> {
  const headers = { ...request.headers }
  const hasLength = Object.keys(headers).some((k) => k.toLowerCase() === 'content-length')
  if (!hasLength && (request.body.length > 0 || !BODYLESS.has(request.method))) {
    headers['Content-Length'] = String(request.body.length)
  }
  const order = request.headerOrder
  if (order === undefined) return headers
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'host')) headers.Host = new URL(request.url).host
  const rank = new Map(order.map((name, i) => [name.toLowerCase(), i]))
  const names = Object.keys(headers)
  const at = (name: string) => rank.get(name.toLowerCase()) ?? order.length + names.indexOf(name)
  return Object.fromEntries(names.sort((a, b) => at(a) - at(b)).map((name) => [name, headers[name] as string]))
}

/** The wire request for a delivery: its method, headers, bytes, header order and timeout mode. */
export function wireRequest(
  delivery: {
    method: string
    headers: Record<string, string>
    body: Uint8Array
    headerOrder?: readonly string[]
    timeoutMode?: TimeoutMode
  },
  url: string,
): WireRequest {
  return {
    method: delivery.method,
    url,
    headers: { ...delivery.headers },
    body: delivery.body,
    ...(delivery.headerOrder === undefined ? {} : { headerOrder: delivery.headerOrder }),
    ...(delivery.timeoutMode === undefined ? {} : { timeoutMode: delivery.timeoutMode }),
  }
}

/**
 * Sends one request and resolves with the response; never rejects for transport failures (they
 * come back as `error`). Throws `TypeError` only for a URL that is not http(s).
 */
export function exchange(request: WireRequest, timeoutMs: number, fetchImpl?: FetchLike): Promise<WireResponse> {
  const url = new URL(request.url)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`url must be http: or https:, got ${url.protocol}`)
  }
  return fetchImpl === undefined ? viaNodeHttp(url, request, timeoutMs) : viaFetch(fetchImpl, request, timeoutMs)
}

function viaNodeHttp(url: URL, request: WireRequest, timeoutMs: number): Promise<WireResponse> {
  const started = performance.now()
  const elapsed = () => performance.now() - started
  const mode = request.timeoutMode ?? 'overall'
  return new Promise((resolve) => {
    let settled = false
    const finish = (response: Omit<WireResponse, 'durationMs'>) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({ ...response, durationMs: elapsed() })
    }
    const make = url.protocol === 'https:' ? httpsRequest : httpRequest
    // agent: false gives every delivery its own connection, as vendors' senders do, and leaves
    // no keep-alive socket holding the process open after the last request
    const req = make(url, { method: request.method, headers: wireHeaders(request), agent: false })
    // node adds `Connection: close` by itself; a sender's client (Python's http.client) sends none
    req.removeHeader('connection')
    const expire = (phase: 'connect' | 'read') => {
      finish({ headers: {}, body: '', error: timeoutError(timeoutMs, mode, phase) })
      req.destroy()
    }
    // 'overall': one deadline. 'connect-and-read': this timer bounds the connect only; then the
    // socket's idle timeout bounds each wait for bytes (requests' timeout=), never the whole
    const timer = setTimeout(() => expire('connect'), timeoutMs)
    if (mode === 'connect-and-read') {
      req.on('socket', (socket) => {
        const connected = () => {
          clearTimeout(timer)
          socket.setTimeout(timeoutMs, () => expire('read'))
        }
        if (socket.connecting) socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', connected)
        else connected()
      })
    }
    req.on('error', (error) => finish({ headers: {}, body: '', error: networkError(error) }))
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      let kept = 0
      res.on('data', (chunk: Buffer) => {
        if (kept >= MAX_KEPT) return
        chunks.push(chunk)
        kept += chunk.length
      })
      res.on('error', (error) => finish({ status: res.statusCode, headers: {}, body: '', error: networkError(error) }))
      res.on('end', () => {
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
        }
        const raw = Buffer.concat(chunks).subarray(0, MAX_KEPT)
        const body = decodeBody(raw, headers['content-encoding']).toString('utf8')
        finish({ ...(res.statusCode === undefined ? {} : { status: res.statusCode }), headers, body })
      })
    })
    req.end(request.body.length > 0 ? request.body : undefined)
  })
}

/**
 * The body as the receiver meant it. node:http does not decode, and some servers compress
 * whatever the request asked for (a gzipped problem body would otherwise hide every code); at
 * most {@link MAX_KEPT} bytes come out, a body that does not decode stays as it came.
 */
export function decodeBody(raw: Buffer, encoding: string | undefined): Buffer {
  const coding = encoding?.trim().toLowerCase()
  if (coding === undefined || coding === '' || coding === 'identity' || raw.length === 0) return raw
  // a cut-off stream (past MAX_KEPT) still gives what it has
  const options = { maxOutputLength: MAX_KEPT, finishFlush: constants.Z_SYNC_FLUSH }
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(raw, options)
    if (coding === 'deflate') return inflateSync(raw, options)
    if (coding === 'br') {
      return brotliDecompressSync(raw, { maxOutputLength: MAX_KEPT, finishFlush: constants.BROTLI_OPERATION_FLUSH })
    }
  } catch {
    return raw
  }
  return raw
}

async function viaFetch(fetchImpl: FetchLike, request: WireRequest, timeoutMs: number): Promise<WireResponse> {
  const started = performance.now()
  const controller = new AbortController()
  const perRead = request.timeoutMode === 'connect-and-read'
  let timedOut = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
  const arm = (ms: number) => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      timedOut = true
      controller.abort()
      // a caller's fetch may ignore the signal once the body streams: end the read ourselves
      reader?.cancel().catch(() => {})
    }, ms)
  }
  // fetch cannot tell the connect from the wait for the head: under connect-and-read both
  // together get twice the timeout (their bound under requests), then each body read gets one
  arm(perRead ? 2 * timeoutMs : timeoutMs)
  try {
    const res = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      ...(BODYLESS.has(request.method) && request.body.length === 0 ? {} : { body: request.body as Uint8Array<ArrayBuffer> }),
      redirect: 'manual',
      signal: controller.signal,
    })
    let body: string
    if (perRead && res.body !== null) {
      const chunks: Uint8Array[] = []
      let kept = 0
      reader = res.body.getReader()
      for (;;) {
        arm(timeoutMs)
        const { done, value } = await reader.read()
        if (timedOut) throw new Error('timed out')
        if (done) break
        if (kept < MAX_KEPT) {
          chunks.push(value)
          kept += value.length
        }
      }
      body = Buffer.concat(chunks).subarray(0, MAX_KEPT).toString('utf8')
    } else {
      body = await res.text()
    }
    const headers: Record<string, string> = {}
    res.headers.forEach((value, name) => {
      headers[name] = value
    })
    return { status: res.status, headers, body, durationMs: performance.now() - started }
  } catch (error) {
    const e = timedOut ? timeoutError(timeoutMs, request.timeoutMode, 'read') : networkError(error)
    return { headers: {}, body: '', durationMs: performance.now() - started, error: e }
  } finally {
    clearTimeout(timer)
  }
}
