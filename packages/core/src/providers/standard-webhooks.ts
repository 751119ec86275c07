import { base64ToBytes, bytesToBase64 } from '../encoding.js'
import { fail } from '../errors.js'
import type { StandardWebhooksPayload } from '../payloads.js'
import {
  defineProvider,
  type HeaderGrammar,
  isFailure,
  payloadText,
  payloadType,
  type RequestView,
  sentTimes,
  single,
} from '../provider.js'
import { parseTimestamp } from '../timestamp.js'

function key(secret: string): Uint8Array {
  let text = secret.startsWith('whsec_') ? secret.slice(6) : secret
  // the reference libraries accept the secret without its "=" padding: so do we
  if (text.length % 4 !== 0 && !text.endsWith('=')) text += '='.repeat(4 - (text.length % 4))
  const bytes = base64ToBytes(text)
  if (bytes === undefined || bytes.length === 0) {
    throw new TypeError('standard-webhooks: the secret must be "whsec_" followed by base64 (as the sender shows it)')
  }
  return bytes
}

type Field = 'id' | 'timestamp' | 'signature'

/**
 * `webhook-<field>`, or Svix's `svix-<field>` when it is absent (the svix libraries read both). All
 * three are signed or checked, so mixing the two families cannot smuggle in an unsigned value.
 */
function field(request: RequestView, name: Field): { name: string; value: string | string[] | undefined } {
  const standard = `webhook-${name}`
  const value = request.header(standard)
  if (value !== undefined) return { name: standard, value }
  const svix = `svix-${name}`
  return { name: svix, value: request.header(svix) }
}

function read(request: RequestView, name: Field, grammar?: HeaderGrammar) {
  const found = field(request, name)
  return single(request, found.name, found.name, 'standard-webhooks', grammar)
}

const COVERED: readonly string[] = Object.freeze(['id', 'timestamp', 'body'])

/**
 * Standard Webhooks (reference scheme, also Svix): `webhook-signature` holds space-separated
 * `v1,<base64 HMAC-SHA256>` over `<webhook-id>.<webhook-timestamp>.<body>`, the key being the
 * base64 decode of the `whsec_` secret; timestamp in seconds. Svix's `svix-id`, `svix-timestamp`
 * and `svix-signature` are read when the `webhook-` ones are absent.
 *
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export const standardWebhooks = defineProvider({
  name: 'standard-webhooks',
  title: 'Standard Webhooks',
  docs: 'https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md',
  // `*_WEBHOOK_SECRET` like every other provider; the first name is still read
  envVar: 'STANDARD_WEBHOOKS_WEBHOOK_SECRET',
  legacyEnvVars: ['STANDARD_WEBHOOKS_SECRET'],
  signatureHeaders: ['webhook-signature', 'svix-signature'],
  timestampUnit: 's',
  // the spec's example retry schedule ends 75 h 35 min 5 s after the first attempt
  // (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h): remember 4 days
  replayTtlSeconds: 4 * 86_400,
  dedupFallback: 'signature',
  keyFromSecret: key,
  payload: payloadType<StandardWebhooksPayload>(),
  detect(request) {
    const v = field(request, 'signature').value
    return typeof v === 'string' && /(^|\s)v1,/.test(v) && field(request, 'id').value !== undefined
  },
  parse(request) {
    const value = read(request, 'signature', 'list')
    if (value === undefined) return fail('MISSING_SIGNATURE', 'No webhook-signature header')
    if (isFailure(value)) return value
    const id = read(request, 'id')
    if (isFailure(id)) return id
    if (id === undefined || id === '') return fail('MALFORMED_SIGNATURE', 'webhook-signature is present but webhook-id is missing')
    const ts = read(request, 'timestamp')
    if (isFailure(ts)) return ts
    if (ts === undefined) return fail('MISSING_TIMESTAMP', 'No webhook-timestamp header')
    const timestamp = parseTimestamp(ts, 'webhook-timestamp')
    if (isFailure(timestamp)) return timestamp
    const signatures: Uint8Array[] = []
    // as the reference libraries: an entry that is not a well-formed v1 is skipped, not fatal
    // (a sender may add versions this library does not know); a v1 must still match
    let skipped = 0
    for (const entry of value.split(' ')) {
      if (entry === '') continue
      const comma = entry.indexOf(',')
      if (comma < 0 || entry.slice(0, comma) !== 'v1') {
        // one comma per entry: a second is a copy of the header joined with "," (API Gateway HTTP APIs)
        if (comma >= 0 && entry.indexOf(',', comma + 1) >= 0) return sentTimes(field(request, 'signature').name, 2, 'standard-webhooks')
        skipped++
        continue
      }
      if (entry.indexOf(',', comma + 1) >= 0) return sentTimes(field(request, 'signature').name, 2, 'standard-webhooks')
      const bytes = base64ToBytes(entry.slice(comma + 1))
      if (bytes === undefined || bytes.length !== 32) {
        skipped++
        continue
      }
      signatures.push(bytes)
    }
    if (signatures.length === 0) {
      return fail(
        'MALFORMED_SIGNATURE',
        `webhook-signature has no valid "v1,<base64 HMAC-SHA256>" entry${skipped > 0 ? ` (${skipped} other or malformed ${skipped === 1 ? 'entry' : 'entries'} skipped)` : ''}`,
      )
    }
    return {
      hash: 'SHA-256',
      signatures,
      parts: [id, '.', ts, '.', request.body],
      value,
      timestamp,
      encoding: 'base64',
      covered: COVERED,
      deliveryIdSigned: true,
    }
  },
  async sign(input, tools) {
    const id = input.id ?? `msg_${Math.floor(input.now ?? Date.now()).toString(36)}`
    const ts = String(Math.floor((input.now ?? Date.now()) / 1000))
    const mac = await tools.hmac('SHA-256', [id, '.', ts, '.', input.body])
    return { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${bytesToBase64(mac)}` }
  },
  // the same header parse read: the id in the key is the id the MAC covered
  deliveryId(request) {
    const v = field(request, 'id').value
    return typeof v === 'string' ? v : v?.[0]
  },
  event: payloadText('type'),
})
