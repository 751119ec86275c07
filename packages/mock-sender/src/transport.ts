/**
 * One HTTP exchange, nothing else: exact bytes and header casing on the wire (node:http), or a
 * caller's `fetch`. Retries, clocks and signing live in `send.ts`.
 */
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

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

function timeoutError(timeoutMs: number): TransportError {
  return { kind: 'timeout', message: `no complete response within ${timeoutMs} ms` }
}

/** The headers node:http will send: the request's own plus `Content-Length` for a body method. */
export function wireHeaders(request: WireRequest): Record<string, string> {
  const headers = { ...request.headers }
  const hasLength = Object.keys(headers).some((k) => k.toLowerCase() === 'content-length')
  if (!hasLength && (request.body.length > 0 || !BODYLESS.has(request.method))) {
    headers['Content-Length'] = String(request.body.length)
  }
  return headers
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
    const timer = setTimeout(() => {
      finish({ headers: {}, body: '', error: timeoutError(timeoutMs) })
      req.destroy()
    }, timeoutMs)
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
        const body = Buffer.concat(chunks).subarray(0, MAX_KEPT).toString('utf8')
        finish({ ...(res.statusCode === undefined ? {} : { status: res.statusCode }), headers, body })
      })
    })
    req.end(request.body.length > 0 ? request.body : undefined)
  })
}

async function viaFetch(fetchImpl: FetchLike, request: WireRequest, timeoutMs: number): Promise<WireResponse> {
  const started = performance.now()
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeoutMs)
  try {
    const res = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      ...(BODYLESS.has(request.method) && request.body.length === 0 ? {} : { body: request.body as Uint8Array<ArrayBuffer> }),
      redirect: 'manual',
      signal: controller.signal,
    })
    const body = await res.text()
    const headers: Record<string, string> = {}
    res.headers.forEach((value, name) => {
      headers[name] = value
    })
    return { status: res.status, headers, body, durationMs: performance.now() - started }
  } catch (error) {
    const e = timedOut ? timeoutError(timeoutMs) : networkError(error)
    return { headers: {}, body: '', durationMs: performance.now() - started, error: e }
  } finally {
    clearTimeout(timer)
  }
}
