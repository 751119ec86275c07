import { base64ToBytes, bytesToBase64 } from '../encoding.js'
import { fail } from '../errors.js'
import { defineProvider, headerText, isFailure, payloadText, sentTimes, single } from '../provider.js'
import { parseTimestamp } from '../timestamp.js'

function key(secret: string): Uint8Array {
  const text = secret.startsWith('whsec_') ? secret.slice(6) : secret
  const bytes = base64ToBytes(text)
  if (bytes === undefined || bytes.length === 0) {
    throw new TypeError('standard-webhooks: the secret must be "whsec_" followed by base64 (as the sender shows it)')
  }
  return bytes
}

/**
 * Standard Webhooks (reference scheme, also Svix): `webhook-signature` holds space-separated
 * `v1,<base64 HMAC-SHA256>` over `<webhook-id>.<webhook-timestamp>.<body>`, the key being the
 * base64 decode of the `whsec_` secret; timestamp in seconds.
 *
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export const standardWebhooks = defineProvider({
  name: 'standard-webhooks',
  title: 'Standard Webhooks',
  docs: 'https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md',
  envVar: 'STANDARD_WEBHOOKS_SECRET',
  signatureHeaders: ['webhook-signature'],
  timestampUnit: 's',
  // the reference retry schedule spans about 27 hours
  replayTtlSeconds: 2 * 86_400,
  dedupFallback: 'signature',
  keyFromSecret: key,
  detect(request) {
    const v = request.header('webhook-signature')
    return typeof v === 'string' && /(^|\s)v1,/.test(v) && request.header('webhook-id') !== undefined
  },
  parse(request) {
    const value = single(request, 'webhook-signature', 'webhook-signature', 'standard-webhooks', 'list')
    if (value === undefined) return fail('MISSING_SIGNATURE', 'No webhook-signature header')
    if (isFailure(value)) return value
    const id = single(request, 'webhook-id', 'webhook-id', 'standard-webhooks')
    if (isFailure(id)) return id
    if (id === undefined || id === '') return fail('MALFORMED_SIGNATURE', 'webhook-signature is present but webhook-id is missing')
    const ts = single(request, 'webhook-timestamp', 'webhook-timestamp', 'standard-webhooks')
    if (isFailure(ts)) return ts
    if (ts === undefined) return fail('MISSING_TIMESTAMP', 'No webhook-timestamp header')
    const timestamp = parseTimestamp(ts, 'webhook-timestamp')
    if (isFailure(timestamp)) return timestamp
    const signatures: Uint8Array[] = []
    for (const entry of value.split(' ')) {
      if (entry === '') continue
      const comma = entry.indexOf(',')
      if (comma < 0) return fail('MALFORMED_SIGNATURE', 'Each webhook-signature entry must be "<version>,<signature>"')
      // one comma per entry: a second is a copy of the header joined with "," (API Gateway HTTP APIs)
      if (entry.indexOf(',', comma + 1) >= 0) return sentTimes('webhook-signature', 2, 'standard-webhooks')
      if (entry.slice(0, comma) !== 'v1') continue // v1a (Ed25519) and future versions are not HMAC
      const bytes = base64ToBytes(entry.slice(comma + 1))
      if (bytes === undefined || bytes.length !== 32) {
        return fail('MALFORMED_SIGNATURE', 'A "v1," entry in webhook-signature is not a base64 HMAC-SHA256 (44 characters)')
      }
      signatures.push(bytes)
    }
    if (signatures.length === 0) return fail('MALFORMED_SIGNATURE', 'webhook-signature has no "v1," signature')
    return { hash: 'SHA-256', signatures, parts: [id, '.', ts, '.', request.body], value, timestamp, encoding: 'base64' }
  },
  async sign(input, tools) {
    const id = input.id ?? `msg_${Math.floor(input.now ?? Date.now()).toString(36)}`
    const ts = String(Math.floor((input.now ?? Date.now()) / 1000))
    const mac = await tools.hmac('SHA-256', [id, '.', ts, '.', input.body])
    return { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${bytesToBase64(mac)}` }
  },
  deliveryId: headerText('webhook-id'),
  event: payloadText('type'),
})
