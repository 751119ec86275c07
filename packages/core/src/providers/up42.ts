import type { ProviderAbout } from '../about.js'
import { base64ToBytes, bytesToBase64, utf8 } from '../encoding.js'
import { type Failure, fail } from '../failure.js'
import type { Up42Payload } from '../payloads.js'
import {
  type AfterVerifyContext,
  type AfterVerifyResult,
  configurable,
  defineProvider,
  isFailure,
  MAX_HEADER_LENGTH,
  payloadText,
  payloadType,
  type RequestView,
  single,
} from '../provider.js'
import { checkTolerance } from '../timestamp.js'

const DIGEST_HEADERS = ['content-digest', 'digest']

interface SignatureInput {
  label: string
  headers: string[]
}

/**
 * `<label>=("h1" "h2");created=<digits>`. No stricter than UP42's own sample verifier
 * (up42-webhooks `snippets/validate_webhook.py`): any label, names with or without quotes, any
 * parameters. `created` is read by nobody: the MAC does not cover it, so it proves nothing.
 */
function parseSignatureInput(text: string): SignatureInput | Failure {
  const m = /^\s*([^\s=(]+)\s*=\s*\(([^()]*)\)/.exec(text)
  if (!m) return fail('MALFORMED_SIGNATURE', 'Signature-Input must look like up42-sig=("header-a" "header-b");created=<seconds>')
  const headers: string[] = []
  // the sample's own tokeniser: every run of characters that are neither quotes nor spaces
  for (const name of (m[2] as string).match(/[^"\s]+/g) ?? []) headers.push(name.toLowerCase())
  if (headers.length === 0) return fail('MALFORMED_SIGNATURE', 'Signature-Input lists no headers, so nothing is signed')
  return { label: m[1] as string, headers }
}

function signatureInputOf(request: RequestView): SignatureInput | Failure | undefined {
  const text = single(request, 'signature-input', 'Signature-Input', 'up42')
  if (text === undefined || isFailure(text)) return text
  return parseSignatureInput(text)
}

/** RFC 9530 `sha-256=:<b64>:` (among others) or legacy RFC 3230 `SHA-256=<b64>`. */
function expectedDigest(name: string, value: string): Uint8Array | undefined {
  for (const item of value.split(',')) {
    const eq = item.indexOf('=')
    if (eq < 0) continue
    const alg = item.slice(0, eq).trim().toLowerCase()
    let v = item.slice(eq + 1).trim()
    if (alg !== 'sha-256') continue
    if (name === 'content-digest') {
      if (!(v.startsWith(':') && v.endsWith(':') && v.length > 2)) return undefined
      v = v.slice(1, -1)
    }
    const bytes = base64ToBytes(v)
    return bytes?.length === 32 ? bytes : undefined
  }
  return undefined
}

// RFC 9110 5.6.7 HTTP-date, the three forms, anchored: the MAC covers the values concatenated
// with no separator, so a lenient parser could read a shifted substring of the signed text as a
// date; a whole-value match can only be a date the sender wrote.
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/
const RFC850 =
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/
const ASCTIME = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/

/** An HTTP date in ms, or NaN. */
function httpDate(text: string): number {
  if (IMF_FIXDATE.test(text) || RFC850.test(text)) return Date.parse(text)
  // asctime has no zone and means GMT; Date.parse would read it as local time
  if (ASCTIME.test(text)) return Date.parse(`${text} GMT`)
  return Number.NaN
}

// ISO 8601 with a zone: a time without one would be read in the server's local zone
const ISO_8601 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:?\d{2})$/

/** The envelope's `timestamp` in ms; `undefined` when absent, a string otherwise says why not. */
function payloadTime(request: RequestView): number | string | undefined {
  const payload = request.json()
  const value = typeof payload === 'object' && payload !== null ? (payload as { timestamp?: unknown }).timestamp : undefined
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !ISO_8601.test(value)) return 'its "timestamp" field is not an ISO 8601 time with a zone'
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? 'its "timestamp" field is not a valid time' : ms
}

/** Frozen once: the covered list of the mock sender's default form, so the common case allocates nothing. */
const DEFAULT_COVERED: readonly string[] = Object.freeze(['content-digest', 'date', 'body'])

function coveredBy(headers: readonly string[], digest: boolean): readonly string[] {
  if (digest && headers.length === 2 && headers[0] === 'content-digest' && headers[1] === 'date') return DEFAULT_COVERED
  return Object.freeze(digest ? [...headers, 'body'] : [...headers])
}

/** The signed `Date` (`undefined` when not signed), checked first: a stale replay is turned away before the body is hashed. */
function signedDate(request: RequestView, input: SignatureInput, nowMs: number, toleranceMs: number): number | undefined | Failure {
  if (!input.headers.includes('date')) return undefined
  const date = request.header('date')
  const signedTime = typeof date === 'string' ? httpDate(date) : Number.NaN
  if (Number.isNaN(signedTime)) {
    return fail('MALFORMED_SIGNATURE', 'The signed Date header is not an HTTP date (e.g. "Tue, 14 Nov 2023 22:13:20 GMT")')
  }
  return checkTolerance(signedTime, nowMs, toleranceMs, 'The signed Date header') ?? signedTime
}

/** The signed digest header against the body; no digest signed is refused unless `allowUnsignedBody`. */
async function checkDigest(
  request: RequestView,
  input: SignatureInput,
  digestHeader: string | undefined,
  { digest, equal }: AfterVerifyContext,
): Promise<Failure | undefined> {
  if (digestHeader === undefined) {
    if (request.options.allowUnsignedBody === true) return undefined
    return fail(
      'BODY_NOT_AUTHENTICATED',
      `The UP42 signature covers only these headers: ${input.headers.join(', ')}. None is Content-Digest or Digest, so the body could have been changed. Ask the sender to sign a digest, or set allowUnsignedBody: true to accept it (bodyAuthenticated will be false)`,
    )
  }
  const value = request.header(digestHeader)
  const expected = typeof value === 'string' ? expectedDigest(digestHeader, value) : undefined
  if (expected === undefined) {
    return fail(
      'MALFORMED_SIGNATURE',
      digestHeader === 'content-digest'
        ? 'Content-Digest must hold sha-256=:<base64>: (RFC 9530)'
        : 'Digest must hold SHA-256=<base64> (RFC 3230)',
    )
  }
  const actual = await digest('SHA-256', [request.body])
  if (equal(actual, expected)) return undefined
  return fail(
    'SIGNATURE_MISMATCH',
    `The signed ${digestHeader === 'digest' ? 'Digest' : 'Content-Digest'} does not match the body: the body was changed after signing`,
  )
}

/** No signed Date: the body's own `timestamp` when the digest authenticated it, else a refusal (unless `allowUnsignedTimestamp`). */
function bodyTime(
  request: RequestView,
  input: SignatureInput,
  digestHeader: string | undefined,
  { nowMs, toleranceMs }: AfterVerifyContext,
): Failure | AfterVerifyResult | undefined {
  const time = digestHeader === undefined ? undefined : payloadTime(request)
  if (typeof time === 'number') {
    const late = checkTolerance(time, nowMs, toleranceMs, 'The "timestamp" of the signed UP42 body')
    return late ?? { timestampMs: time }
  }
  if (request.options.allowUnsignedTimestamp === true) return undefined
  const body =
    digestHeader === undefined
      ? 'the body is not signed'
      : time === undefined
        ? 'the signed body has no "timestamp" field'
        : `the signed body is there, but ${time}`
  return fail(
    'MISSING_TIMESTAMP',
    `The UP42 signature covers no time, so a captured delivery could be replayed at any time: Signature-Input lists ${input.headers.join(', ')} (no Date), and ${body}. created= is not signed and proves nothing. Ask the sender to sign Date, or set allowUnsignedTimestamp: true to accept it (then use a replay store)`,
  )
}

/** After the MAC: the signed Date, the signed digest, then the signed time. */
async function afterVerify(context: AfterVerifyContext): Promise<Failure | AfterVerifyResult | undefined> {
  const { request } = context
  const input = signatureInputOf(request) as SignatureInput
  const signedTime = signedDate(request, input, context.nowMs, context.toleranceMs)
  if (isFailure(signedTime)) return signedTime
  const digestHeader = input.headers.find((h) => DIGEST_HEADERS.includes(h))
  const digestFailure = await checkDigest(request, input, digestHeader, context)
  if (digestFailure !== undefined) return digestFailure
  // both signed: the Date decides, as the time of this attempt (the body's may be the event's)
  if (signedTime !== undefined) return { timestampMs: signedTime }
  return bodyTime(request, input, digestHeader, context)
}

/**
 * UP42: `Signature: up42-sig=<base64>` and `Signature-Input: up42-sig=("h1" "h2");created=<s>`.
 * The HMAC-SHA256 covers the values of the listed headers concatenated in order, and nothing else:
 * not the list, not `created`, not the body. So the body is authenticated only through a signed
 * digest header (required by default, recomputed over the raw body), and freshness only through a
 * signed time: the `Date` header when it is listed, else the envelope's `timestamp` when the digest
 * authenticated the body. `created` is never trusted: an attacker rewrites it at will.
 *
 * @see https://docs.up42.com/account/webhooks/create-webhooks-console
 * @see https://github.com/up42/up42-webhooks
 */
export const up42 = configurable(
  defineProvider({
    name: 'up42',
    title: 'UP42',
    docs: 'https://docs.up42.com/developers/api-webhooks/create',
    envVar: 'UP42_WEBHOOK_SECRET',
    signatureHeaders: ['signature', 'signature-input'],
    // no timestampUnit: the signed time (a Date header or the body's ISO 8601 timestamp) is checked
    // by afterVerify, after the MAC, never from created=
    // retries are undocumented; messageId (signed with the body) is remembered a week
    replayTtlSeconds: 7 * 86_400,
    dedupFallback: 'signature',
    payload: payloadType<Up42Payload>(),
    detect(request) {
      const s = request.header('signature')
      const i = request.header('signature-input')
      return typeof s === 'string' && typeof i === 'string' && /=\s*\(/.test(i) && /^\s*[^\s=]+=/.test(s)
    },
    parse(request) {
      const value = single(request, 'signature', 'Signature', 'up42')
      if (isFailure(value)) return value
      const input = signatureInputOf(request)
      if (value === undefined) {
        return fail(
          'MISSING_SIGNATURE',
          input === undefined ? 'No Signature header' : 'Signature-Input was sent without a Signature header',
        )
      }
      if (input === undefined) return fail('MALFORMED_SIGNATURE', 'Signature was sent without a Signature-Input header')
      if (isFailure(input)) return input
      // as the sample verifier: everything after the first "=" (an RFC 9421 :byte sequence: too)
      const eq = value.indexOf('=')
      if (eq < 0) return fail('MALFORMED_SIGNATURE', 'Signature must look like up42-sig=<base64>')
      let sig = value.slice(eq + 1).trim()
      if (sig.length > 2 && sig.startsWith(':') && sig.endsWith(':')) sig = sig.slice(1, -1)
      const bytes = base64ToBytes(sig)
      if (bytes === undefined || bytes.length !== 32) {
        return fail('MALFORMED_SIGNATURE', `Signature must hold a padded base64 HMAC-SHA256 (44 characters) after "${input.label}="`)
      }
      const parts: string[] = []
      for (const name of input.headers) {
        const v = single(request, name, name, 'up42', 'text')
        if (isFailure(v)) return v
        if (v === undefined) return fail('MALFORMED_SIGNATURE', `Signature-Input lists "${name}", but the request has no such header`)
        parts.push(v)
      }
      const digest = input.headers.some((h) => DIGEST_HEADERS.includes(h))
      return {
        hash: 'SHA-256',
        signatures: [bytes],
        parts,
        value,
        encoding: 'base64',
        bodyAuthenticated: digest,
        covered: coveredBy(input.headers, digest),
        // messageId lives in the body: signed exactly when the digest is
        deliveryIdSigned: digest,
      }
    },
    afterVerify,
    hints: ({ request }) => {
      const listed = /\(([^)]*)\)/.exec(String(request.header('signature-input')).slice(0, MAX_HEADER_LENGTH))?.[1]
      return {
        notes: [
          `The UP42 signature covers the values of these headers, in order: ${listed ?? '(none)'}; a proxy that rewrites one breaks it`,
        ],
      }
    },
    async sign(input, tools) {
      const now = input.now ?? Date.now()
      const mode = input.digest ?? 'rfc9530'
      const headers: Record<string, string> = {}
      const lower: Record<string, string> = {}
      for (const [k, v] of Object.entries(input.headers ?? {})) lower[k.toLowerCase()] = v
      if (mode !== 'none') {
        const sum = bytesToBase64(await tools.digest('SHA-256', [typeof input.body === 'string' ? utf8(input.body) : input.body]))
        if (mode === 'rfc9530') {
          headers['Content-Digest'] = `sha-256=:${sum}:`
          lower['content-digest'] = headers['Content-Digest']
        } else {
          headers.Digest = `SHA-256=${sum}`
          lower.digest = headers.Digest
        }
      }
      if (lower.date === undefined) {
        headers.Date = new Date(now).toUTCString()
        lower.date = headers.Date
      }
      const list = input.signedHeaders ?? (mode === 'none' ? ['date'] : [mode === 'legacy' ? 'digest' : 'content-digest', 'date'])
      const values = list.map((h) => {
        const v = lower[h.toLowerCase()]
        if (v === undefined) throw new TypeError(`sign(up42): signedHeaders lists "${h}" but no such header was given`)
        return v
      })
      const mac = await tools.hmac('SHA-256', values)
      headers['Signature-Input'] = `up42-sig=(${list.map((h) => `"${h.toLowerCase()}"`).join(' ')});created=${Math.floor(now / 1000)}`
      headers.Signature = `up42-sig=${bytesToBase64(mac)}`
      return headers
    },
    deliveryId: payloadText('messageId'),
    event: payloadText('event'),
  }),
  (switches: Up42Switches) => {
    if (typeof switches !== 'object' || switches === null) throw new TypeError('up42(switches): switches must be an object')
    const out: { allowUnsignedBody?: boolean; allowUnsignedTimestamp?: boolean } = {}
    for (const key of ['allowUnsignedBody', 'allowUnsignedTimestamp'] as const) {
      const v = switches[key]
      if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`up42({ ${key} }): ${key} must be a boolean`)
      if (v !== undefined) out[key] = v
    }
    return out
  },
)

/**
 * Switches of the UP42 row (old spelling: the verifier options of the same names).
 *
 * @example
 * createVerifier({ provider: up42({ allowUnsignedTimestamp: true } satisfies Up42Switches), secret, replayStore })
 */
export interface Up42Switches {
  /** Accept a signature that covers no body digest (`bodyAuthenticated: false`). */
  allowUnsignedBody?: boolean
  /** Accept a signature that covers no time (no signed `Date`, no body `timestamp`): use a replay store. */
  allowUnsignedTimestamp?: boolean
}

/** What the generated docs tables say of this provider (`npm run docs:providers`). */
export const about = {
  value: '`<label>=<b64>`; `<label>=("h1" …);created=<s>`',
  signed: 'listed header values (a digest header must be listed)',
  timestamp: "signed `Date`, else the digest-signed body's `timestamp`",
  dedupKey: '`messageId` (in the body, signed with it)',
  retries: 'unknown',
  ttlWhy:
    '`created=` is sent but not covered by the MAC, so freshness rests on a signed `Date` or body `timestamp`, and dedup on `messageId` guards the tolerance window: remember long.',
  events: {
    names: '`job.status`, `order.status`',
    payload: 'the envelope with `Up42JobStatusBody` / `Up42OrderStatusBody`',
    routedOn: 'payload `event`',
  },
} satisfies ProviderAbout
