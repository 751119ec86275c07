import { bytesToHex, hexToBytes } from '../encoding.js'
import { fail } from '../errors.js'
import { defineProvider, isFailure, sentTimes, single } from '../provider.js'
import { parseTimestamp } from '../timestamp.js'

const URL_SIGNED = new Set(['GET', 'DELETE', 'HEAD'])

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
    let signed: Uint8Array | string = request.body
    if (URL_SIGNED.has(method)) {
      if (request.url === undefined) {
        return fail(
          'SIGNATURE_MISMATCH',
          `Designer Cloud signs the URL for ${method} requests, and none was given: pass url (the full URL as received) or the signedUrl option`,
        )
      }
      signed = request.url
    }
    return { hash: 'SHA-256', signatures, parts: [t, '.', signed], value, timestamp, encoding: 'hex' }
  },
  async sign(input, tools) {
    const t = String(Math.floor(input.now ?? Date.now()))
    const method = (input.method ?? 'POST').toUpperCase()
    const signed = URL_SIGNED.has(method) ? (input.url ?? '') : input.body
    const mac = await tools.hmac('SHA-256', [t, '.', signed])
    return { 'X-Webhook-Signature': `t=${t},sha256=${bytesToHex(mac)}` }
  },
})
