import { base64ToBytes, bytesToBase64, utf8 } from '../encoding.js'
import { type Failure, fail } from '../errors.js'
import { type AfterVerifyContext, defineProvider, isFailure, payloadText, type RequestView, single } from '../provider.js'
import { checkTolerance, parseTimestamp } from '../timestamp.js'

const DIGEST_HEADERS = ['content-digest', 'digest']

interface SignatureInput {
  label: string
  headers: string[]
  created: string | undefined
}

/** `up42-sig=("h1" "h2");created=<digits>` */
function parseSignatureInput(text: string): SignatureInput | Failure {
  const m = /^\s*([A-Za-z0-9_.*-]+)=\(([^()]*)\)((?:;[^;]*)*)\s*$/.exec(text)
  if (!m) return fail('MALFORMED_SIGNATURE', 'Signature-Input must look like up42-sig=("header-a" "header-b");created=<seconds>')
  const headers: string[] = []
  const list = (m[2] as string).trim()
  if (list !== '') {
    for (const item of list.split(/\s+/)) {
      const q = /^"([^"]+)"$/.exec(item)
      if (!q) return fail('MALFORMED_SIGNATURE', 'Signature-Input must list header names in double quotes, separated by spaces')
      headers.push((q[1] as string).toLowerCase())
    }
  }
  if (headers.length === 0) return fail('MALFORMED_SIGNATURE', 'Signature-Input lists no headers, so nothing is signed')
  let created: string | undefined
  for (const param of (m[3] as string).split(';')) {
    const eq = param.indexOf('=')
    if (eq > 0 && param.slice(0, eq).trim() === 'created') created = param.slice(eq + 1).trim()
  }
  return { label: m[1] as string, headers, created }
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

async function afterVerify({ request, parsed, nowMs, toleranceMs, digest, equal }: AfterVerifyContext): Promise<Failure | undefined> {
  const input = signatureInputOf(request) as SignatureInput
  if (input.headers.includes('date')) {
    const date = request.header('date')
    const ms = typeof date === 'string' ? Date.parse(date) : Number.NaN
    if (Number.isNaN(ms)) return fail('MALFORMED_SIGNATURE', 'The signed Date header is not an HTTP date')
    const late = checkTolerance(ms, nowMs, toleranceMs, 'The signed Date header')
    if (late) return late
  }
  const digestHeader = input.headers.find((h) => DIGEST_HEADERS.includes(h))
  if (digestHeader === undefined) {
    if (request.options.allowUnsignedBody === true) return undefined
    return fail(
      'BODY_NOT_AUTHENTICATED',
      `The UP42 signature covers only these headers: ${input.headers.join(', ')}. None is Content-Digest or Digest, so the body could have been changed. Ask the sender to sign a digest, or set allowUnsignedBody: true to accept it (bodyAuthenticated will be false)`,
    )
  }
  void parsed
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
  if (!equal(actual, expected)) {
    return fail(
      'SIGNATURE_MISMATCH',
      `The signed ${digestHeader === 'digest' ? 'Digest' : 'Content-Digest'} does not match the body: the body was changed after signing`,
    )
  }
  return undefined
}

/**
 * UP42: `Signature: up42-sig=<base64>` and `Signature-Input: up42-sig=("h1" "h2");created=<s>`.
 * The HMAC-SHA256 covers the values of the listed headers concatenated in order, not `created`
 * and not the body: the body is authenticated only through a signed digest header, which is
 * required by default and recomputed over the raw body.
 *
 * @see https://docs.up42.com/account/webhooks/create-webhooks-console
 * @see https://github.com/up42/up42-webhooks
 */
export const up42 = defineProvider({
  name: 'up42',
  title: 'UP42',
  docs: 'https://docs.up42.com/developers/api-webhooks/create',
  envVar: 'UP42_WEBHOOK_SECRET',
  signatureHeaders: ['signature', 'signature-input'],
  timestampUnit: 's',
  // created is not MACed, so messageId dedup is the replay guard: keep ids a week
  replayTtlSeconds: 7 * 86_400,
  dedupFallback: 'signature',
  detect(request) {
    const s = request.header('signature')
    const i = request.header('signature-input')
    return typeof s === 'string' && typeof i === 'string' && i.includes('=(') && /^\s*[A-Za-z0-9_.*-]+=/.test(s)
  },
  parse(request) {
    const value = single(request, 'signature', 'Signature', 'up42')
    if (isFailure(value)) return value
    const input = signatureInputOf(request)
    if (value === undefined) {
      return fail('MISSING_SIGNATURE', input === undefined ? 'No Signature header' : 'Signature-Input was sent without a Signature header')
    }
    if (input === undefined) return fail('MALFORMED_SIGNATURE', 'Signature was sent without a Signature-Input header')
    if (isFailure(input)) return input
    const eq = value.indexOf('=')
    if (eq < 0) return fail('MALFORMED_SIGNATURE', 'Signature must look like up42-sig=<base64>')
    if (value.slice(0, eq).trim() !== input.label) {
      return fail(
        'MALFORMED_SIGNATURE',
        `Signature and Signature-Input name different labels ("${value.slice(0, eq).trim().slice(0, 20)}" and "${input.label}")`,
      )
    }
    const bytes = base64ToBytes(value.slice(eq + 1).trim())
    if (bytes === undefined || bytes.length !== 32) {
      return fail('MALFORMED_SIGNATURE', 'Signature must hold a padded base64 HMAC-SHA256 (44 characters) after "up42-sig="')
    }
    if (input.created === undefined) return fail('MISSING_TIMESTAMP', 'Signature-Input has no created=<seconds>')
    if (!/^\d{10,20}$/.test(input.created)) {
      return fail('MALFORMED_SIGNATURE', 'created in Signature-Input must be 10 to 20 digits (Unix seconds)')
    }
    const timestamp = parseTimestamp(input.created, 'created in Signature-Input')
    if (isFailure(timestamp)) return timestamp
    const parts: string[] = []
    for (const name of input.headers) {
      const v = single(request, name, name, 'up42', 'text')
      if (isFailure(v)) return v
      if (v === undefined) return fail('MALFORMED_SIGNATURE', `Signature-Input lists "${name}", but the request has no such header`)
      parts.push(v)
    }
    return {
      hash: 'SHA-256',
      signatures: [bytes],
      parts,
      value,
      timestamp,
      encoding: 'base64',
      bodyAuthenticated: input.headers.some((h) => DIGEST_HEADERS.includes(h)),
    }
  },
  afterVerify,
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
})
