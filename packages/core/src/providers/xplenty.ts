import { bytesToHex, hexToBytes } from '../encoding.js'
import { fail } from '../errors.js'
import { defineProvider, isFailure, payloadText, type RequestView, single } from '../provider.js'

const eventField = payloadText('event')

function eventOf(request: RequestView, payload: unknown): string | undefined {
  const header = request.header('x-hook-event')
  return typeof header === 'string' ? header : eventField(request, payload)
}

/** Default inputs of the experimental `sha1-metadata` scheme: resource id, event name, URL. */
function defaultMetadata(request: RequestView): string[] {
  const payload = request.json() as { id?: unknown } | undefined
  const id = payload?.id
  return [id === undefined || id === null ? '' : String(id), eventOf(request, payload) ?? '', request.url ?? '']
}

/**
 * Xplenty (Integrate.io ETL): `X-Hook-Signature` with a bare hex digest. Sources conflict on the
 * hash, so the default takes an HMAC of the raw body and picks SHA-1 (40 hex) or SHA-256 (64 hex)
 * by digest length. The 2022 API doc's salted SHA-1 of id + event + url is an opt-in
 * (`xplentyScheme: 'sha1-metadata'`) reported as `bodyAuthenticated: false`. No delivery id and
 * the signature may be constant per event type, so dedup has no default key.
 *
 * @see https://www.integrate.io/docs/etl/service-hooks/
 */
export const xplenty = defineProvider({
  name: 'xplenty',
  title: 'Xplenty (Integrate.io ETL)',
  docs: 'https://www.integrate.io/docs/etl/service-hooks/',
  envVar: 'XPLENTY_WEBHOOK_SECRET',
  signatureHeaders: ['x-hook-signature'],
  replayTtlSeconds: 86_400,
  dedupFallback: 'none',
  detect(request) {
    const v = request.header('x-hook-signature')
    return typeof v === 'string' && (v.length === 40 || v.length === 64) && hexToBytes(v) !== undefined
  },
  parse(request) {
    const value = single(request, 'x-hook-signature', 'X-Hook-Signature', 'xplenty')
    if (value === undefined) return fail('MISSING_SIGNATURE', 'No X-Hook-Signature header')
    if (isFailure(value)) return value
    const bytes = hexToBytes(value)
    if (request.options.xplentyScheme === 'sha1-metadata') {
      if (bytes === undefined || bytes.length !== 20) {
        return fail(
          'MALFORMED_SIGNATURE',
          `X-Hook-Signature must be 40 hex digits (SHA-1) under sha1-metadata; got ${value.length} characters`,
        )
      }
      const inputs = (request.options.xplentyMetadata ?? defaultMetadata)(request)
      return { hash: 'SHA-1', signatures: [bytes], parts: inputs, value, mac: 'salted-digest', bodyAuthenticated: false, encoding: 'hex' }
    }
    if (bytes === undefined || (bytes.length !== 20 && bytes.length !== 32)) {
      return fail(
        'MALFORMED_SIGNATURE',
        `X-Hook-Signature must be a bare hex HMAC: 40 digits (SHA-1) or 64 (SHA-256); got ${value.length} characters`,
      )
    }
    return { hash: bytes.length === 20 ? 'SHA-1' : 'SHA-256', signatures: [bytes], parts: [request.body], value, encoding: 'hex' }
  },
  async sign(input, tools) {
    const mac = await tools.hmac(input.hash ?? 'SHA-1', [input.body])
    return { 'X-Hook-Signature': bytesToHex(mac) }
  },
  event: eventOf,
})
