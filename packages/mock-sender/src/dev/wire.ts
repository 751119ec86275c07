/**
 * Raw header lists and byte-exact forwarding for the inspector: the app gets the method, the
 * headers in the order and casing they arrived (hop-by-hop ones left out) and the body bytes.
 */
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { providers } from '@hookproof/core'
import type { DevAppAnswer } from './store.js'

/** RFC 9110 7.6.1: headers that describe one connection, not the message. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

/**
 * Header names whose values are secrets or act as credentials: every provider row's signature
 * headers, `Authorization` and cookies. The page and logs show them redacted.
 *
 * @example
 * isSecretHeader('X-Hub-Signature') // true
 * isSecretHeader('Content-Type') // false
 */
export function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase()
  if (SECRET_HEADERS.has(lower)) return true
  return Object.values(providers).some((p) => p.signatureHeaders.includes(lower))
}

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'])

/**
 * `[name, value]` pairs of Node's flat `rawHeaders`, with secret-bearing values replaced.
 *
 * @example
 * redactedPairs(['X-Hub-Signature', 'abc', 'Content-Type', 'application/json'])
 * // [['X-Hub-Signature', '[redacted: 3 characters]'], ['Content-Type', 'application/json']]
 */
export function redactedPairs(rawHeaders: readonly string[]): [string, string][] {
  const out: [string, string][] = []
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    const value = rawHeaders[i + 1] as string
    out.push([name, isSecretHeader(name) ? `[redacted: ${value.length} characters]` : value])
  }
  return out
}

/** Lowercased names to every value, as core's verifier reads Node's `headersDistinct`. */
export function distinctHeaders(rawHeaders: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase()
    ;(out[name] ??= []).push(rawHeaders[i + 1] as string)
  }
  return out
}

/**
 * The headers to send on: hop-by-hop ones (and those `Connection` names) dropped, and
 * `Content-Length` set to the body actually sent (a fault may have changed it), in place.
 */
export function forwardHeaders(rawHeaders: readonly string[], bodyLength: number, method: string): string[] {
  const named = new Set<string>()
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === 'connection') {
      for (const n of (rawHeaders[i + 1] as string).split(',')) named.add(n.trim().toLowerCase())
    }
  }
  const out: string[] = []
  let hasLength = false
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    const lower = name.toLowerCase()
    if (HOP_BY_HOP.has(lower) || named.has(lower)) continue
    if (lower === 'content-length') {
      if (hasLength) continue
      hasLength = true
      out.push(name, String(bodyLength))
      continue
    }
    out.push(name, rawHeaders[i + 1] as string)
  }
  if (!hasLength && (bodyLength > 0 || !['GET', 'HEAD', 'DELETE'].includes(method))) out.push('Content-Length', String(bodyLength))
  return out
}

const MAX_KEPT = 256 * 1024

/** Sends one request byte-exact and resolves with the answer; never rejects. */
export function forwardRequest(
  url: string,
  method: string,
  rawHeaders: readonly string[],
  body: Uint8Array,
  timeoutMs: number,
): Promise<DevAppAnswer> {
  const started = performance.now()
  return new Promise((resolve) => {
    let settled = false
    const finish = (answer: Omit<DevAppAnswer, 'url' | 'durationMs'>) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({ url, ...answer, durationMs: Math.round((performance.now() - started) * 10) / 10 })
    }
    const target = new URL(url)
    const make = target.protocol === 'https:' ? httpsRequest : httpRequest
    const req = make(target, { method, headers: forwardHeaders(rawHeaders, body.length, method), agent: false, setHost: false })
    const timer = setTimeout(() => {
      finish({ headers: {}, body: '', error: `no answer within ${timeoutMs} ms` })
      req.destroy()
    }, timeoutMs)
    req.on('error', (error: NodeJS.ErrnoException) => finish({ headers: {}, body: '', error: error.code ?? error.message }))
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      let kept = 0
      res.on('data', (chunk: Buffer) => {
        if (kept < MAX_KEPT) chunks.push(chunk)
        kept += chunk.length
      })
      res.on('error', (error: NodeJS.ErrnoException) =>
        finish({ status: res.statusCode, headers: {}, body: '', error: error.code ?? error.message }),
      )
      res.on('end', () => {
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined && !isSecretHeader(name)) headers[name] = Array.isArray(value) ? value.join(', ') : value
        }
        const text = Buffer.concat(chunks).subarray(0, MAX_KEPT).toString('utf8')
        finish({ ...(res.statusCode === undefined ? {} : { status: res.statusCode }), headers, body: text })
      })
    })
    req.end(body.length > 0 ? body : undefined)
  })
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`

/**
 * A stored request as a curl command line that sends the same bytes: headers in their order and
 * casing (curl sets `Host` and `Content-Length` itself), the body from `printf` (octal escapes) when it is not
 * plain UTF-8 text.
 *
 * @example
 * curlCommand('http://127.0.0.1:3000/webhooks/orchest', 'POST', ['Content-Type', 'application/json'], Buffer.from('{}'))
 * // "curl -sS -X POST 'http://127.0.0.1:3000/webhooks/orchest' \\\n  -H 'Content-Type: application/json' \\\n  --data-binary '{}'"
 */
export function curlCommand(url: string, method: string, rawHeaders: readonly string[], body: Uint8Array): string {
  const lines = [`curl -sS -X ${method} ${shellQuote(url)}`]
  const sent = new Set<string>()
  const pairs = forwardHeaders(rawHeaders, body.length, method)
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const name = pairs[i] as string
    const lower = name.toLowerCase()
    if (lower === 'host' || lower === 'content-length') continue
    sent.add(lower)
    lines.push(`  -H ${shellQuote(`${name}: ${pairs[i + 1]}`)}`)
  }
  // curl adds these unless told not to; the vendor did not send them
  for (const name of ['User-Agent', 'Accept']) if (!sent.has(name.toLowerCase())) lines.push(`  -H '${name}:'`)
  if (body.length === 0) return lines.join(' \\\n')
  const text = Buffer.from(body).toString('utf8')
  const plain = Buffer.from(text, 'utf8').equals(Buffer.from(body)) && !/[\0\r]/.test(text)
  if (plain) {
    lines.push(`  --data-binary ${shellQuote(text)}`)
    return lines.join(' \\\n')
  }
  // POSIX printf %b knows octal escapes only (dash has no \x)
  const escaped = [...body].map((b) => `\\0${b.toString(8).padStart(3, '0')}`).join('')
  lines.push('  --data-binary @-')
  return `printf '%b' '${escaped}' | ${lines.join(' \\\n')}`
}
