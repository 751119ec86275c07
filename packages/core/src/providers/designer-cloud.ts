import type { ProviderAbout } from '../about.js'
import { bytesToHex, hexToBytes } from '../encoding.js'
import { fail } from '../errors.js'
import { defineProvider, isFailure, sentTimes, single } from '../provider.js'
import { parseTimestamp } from '../timestamp.js'

const URL_SIGNED = new Set(['GET', 'DELETE', 'HEAD'])

// frozen once: the result's `covered` costs nothing per request. The method is in neither list:
// the scheme does not sign it, so a GET signature verifies as a DELETE of the same URL.
const COVERS_BODY: readonly string[] = Object.freeze(['timestamp', 'body'])
const COVERS_URL: readonly string[] = Object.freeze(['timestamp', 'url'])

/**
 * Alteryx Designer Cloud (Trifacta) flow webhook tasks: `X-Webhook-Signature: t=<ms>,sha256=<hex>`,
 * HMAC-SHA256 over `<t>.<body>` (POST/PUT/PATCH) or `<t>.<url>` (GET/DELETE). `t` is in
 * milliseconds (inferred from the documented 13-digit example).
 *
 * @see https://help.alteryx.com/aac/en/trifacta-classic/common-tasks/operationalization-tasks/create-flow-webhook-task.html
 */
export const designerCloud = defineProvider({
  name: 'designer-cloud',
  title: 'Alteryx Designer Cloud (Trifacta)',
  docs: 'https://help.alteryx.com/aac/en/trifacta-classic/common-tasks/operationalization-tasks/create-flow-webhook-task.html',
  envVar: 'DESIGNER_CLOUD_WEBHOOK_SECRET',
  signatureHeaders: ['x-webhook-signature'],
  timestampUnit: 'ms',
  // retries are optional and unspecified; the signed t already bounds replays to the tolerance
  // the user picks the task's method (POST, PUT, PATCH, GET, DELETE); GET/DELETE sign the URL
  methods: ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'],
  replayTtlSeconds: 86_400,
  dedupFallback: 'signature',
  detect(request) {
    const v = request.header('x-webhook-signature')
    return typeof v === 'string' && /^\s*t=\d+\s*,\s*sha256=[0-9a-fA-F]{64}\s*$/.test(v)
  },
  parse(request) {
    const value = single(request, 'x-webhook-signature', 'X-Webhook-Signature', 'designer-cloud', 'list')
    if (value === undefined) return fail('MISSING_SIGNATURE', 'No X-Webhook-Signature header')
    if (isFailure(value)) return value
    let t: string | undefined
    const signatures: Uint8Array[] = []
    const others: string[] = []
    for (const item of value.split(',')) {
      const eq = item.indexOf('=')
      const key = (eq < 0 ? item : item.slice(0, eq)).trim()
      const v = eq < 0 ? '' : item.slice(eq + 1).trim()
      if (key === 't') {
        // the sender writes one t= and one sha256=: a second is a copy joined with "," (API Gateway HTTP APIs)
        if (t !== undefined) return sentTimes('X-Webhook-Signature', 2, 'designer-cloud')
        t = v
      } else if (key === 'sha256') {
        if (signatures.length > 0) return sentTimes('X-Webhook-Signature', 2, 'designer-cloud')
        const bytes = v.length === 64 ? hexToBytes(v) : undefined
        if (bytes === undefined) {
          return fail('MALFORMED_SIGNATURE', `"sha256" in X-Webhook-Signature must be 64 hex digits; got ${v.length} characters`)
        }
        signatures.push(bytes)
      } else others.push(key)
    }
    if (signatures.length === 0) {
      return fail(
        'MALFORMED_SIGNATURE',
        `X-Webhook-Signature must be "t=<ms>,sha256=<64 hex>"; it has no "sha256="${others.length ? ` (keys: ${others.slice(0, 4).join(', ')})` : ''}`,
      )
    }
    if (t === undefined) return fail('MISSING_TIMESTAMP', 'X-Webhook-Signature has no "t=<ms>" timestamp')
    const timestamp = parseTimestamp(t, '"t" in X-Webhook-Signature')
    if (isFailure(timestamp)) return timestamp
    const method = (request.method ?? 'POST').toUpperCase()
    if (!URL_SIGNED.has(method)) {
      return { hash: 'SHA-256', signatures, parts: [t, '.', request.body], value, timestamp, encoding: 'hex', covered: COVERS_BODY }
    }
    if (request.url === undefined) {
      return fail(
        'SIGNATURE_MISMATCH',
        `Designer Cloud signs the URL for ${method} requests, and none was given: pass url (the full URL as received) or the signedUrl option`,
      )
    }
    // only t and the URL are signed: body bytes here came from someone else (Designer Cloud sends
    // none with these methods), so they never become an authenticated payload
    const unsigned = request.body.length > 0
    if (unsigned && request.options.allowUnsignedBody !== true) {
      return fail(
        'BODY_NOT_AUTHENTICATED',
        `A Designer Cloud ${method} signature covers only the timestamp and the URL, yet the request has a ${request.body.length}-byte body that nothing signs. Designer Cloud sends no body with ${method}; set allowUnsignedBody: true to accept it anyway (it stays out of payload, bodyAuthenticated: false)`,
      )
    }
    return {
      hash: 'SHA-256',
      signatures,
      parts: [t, '.', request.url],
      value,
      timestamp,
      encoding: 'hex',
      covered: COVERS_URL,
      bodyIgnored: true,
      bodyAuthenticated: !unsigned,
    }
  },
  async sign(input, tools) {
    const t = String(Math.floor(input.now ?? Date.now()))
    const method = (input.method ?? 'POST').toUpperCase()
    const signed = URL_SIGNED.has(method) ? (input.url ?? '') : input.body
    const mac = await tools.hmac('SHA-256', [t, '.', signed])
    return { 'X-Webhook-Signature': `t=${t},sha256=${bytesToHex(mac)}` }
  },
})

/** What the generated docs tables say of this provider (`npm run docs:providers`). */
export const about = {
  value: '`t=<ms>,sha256=<hex>`',
  signed: '`t.body`, or `t.url` for GET/DELETE/HEAD',
  timestamp: '`t`, ms',
  dedupKey: 'signature (or your `deliveryKey`, such as `$jobId` + `$jobStatus`)',
  retries: '"Retry on failure", schedule unknown',
  ttlWhy: '`t` is signed (ms) and checked against the tolerance, so a replay is only possible within minutes; the TTL is for retries.',
  events: { names: 'any (no published list)', payload: '`unknown`: add a schema', routedOn: "the body's `jobStatus`" },
} satisfies ProviderAbout
