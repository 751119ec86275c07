import type { Hash, Part } from './crypto/types.js'
import { base64ToBytes, base64ToSignature, bytesToBase64, bytesToHex, hexToSignature } from './encoding.js'
import { type Failure, fail } from './errors.js'
import {
  COVERS_BODY,
  decode,
  defineProvider,
  headerText,
  isFailure,
  type ParsedSignature,
  type Provider,
  payloadText,
  type RequestView,
  sentTimes,
  singleValue,
} from './provider.js'
import { parseTimestamp } from './timestamp.js'

/**
 * Where the signature is and how it is written, one of three grammars:
 * - `prefix`: one value, `<prefix><digest>` (`sha256=<hex>`, or a bare digest with `prefix: ''`);
 * - `params`: `key=value` pairs joined by `,` (`t=<ts>,sha256=<hex>`), the timestamp among them;
 * - `versioned`: entries `<version>,<digest>` joined by a space (`v1,<b64> v1,<b64>`), the first
 *   that matches wins; entries of other versions are skipped.
 *
 * @example
 * const github: SignatureSpec = { header: 'x-hub-signature-256', prefix: 'sha256=', encoding: 'hex' }
 * const designerCloud: SignatureSpec = { header: 'x-webhook-signature', params: { timestamp: 't', signature: 'sha256' }, encoding: 'hex' }
 * const standard: SignatureSpec = { header: ['webhook-signature', 'svix-signature'], versioned: 'v1', encoding: 'base64' }
 */
export type SignatureSpec = SignatureHeader &
  (
    | { prefix: string; params?: never; versioned?: never }
    | { params: { timestamp?: string; signature: string }; prefix?: never; versioned?: never }
    | { versioned: string; prefix?: never; params?: never }
  )

interface SignatureHeader {
  /** Header names (lowercase), canonical first; the first one present is read. */
  header: string | readonly string[]
  encoding: 'hex' | 'base64'
  /** How the first header is spelled in messages and in `sign`'s output (default: from `spelling`). */
  display?: string
  /** Case of the hex `sign` writes; parse accepts either. Default `'lower'`. */
  hexCase?: 'lower' | 'upper'
}

/**
 * What the MAC covers, in order: `'body'`, `'timestamp'` (as sent), `'id'` (the delivery id header),
 * `'url'` (the full URL), and any other string as literal text (`'.'`).
 *
 * @example
 * const parts: readonly SignedPart[] = ['id', '.', 'timestamp', '.', 'body']
 */
export type SignedPart = 'body' | 'timestamp' | 'id' | 'url' | (string & {})

/**
 * A whole HMAC scheme as data; {@link compileScheme} turns it into a row's `detect`, `parse` and
 * `sign`, which therefore cannot disagree.
 *
 * @example
 * const acme: SchemeSpec = {
 *   signature: { header: 'x-acme-signature', params: { timestamp: 't', signature: 'v1' }, encoding: 'hex' },
 *   hash: 'SHA-256',
 *   signed: ['timestamp', '.', 'body'],
 *   timestamp: { unit: 's' },
 *   id: { header: 'x-acme-delivery' },
 * }
 */
export interface SchemeSpec {
  signature: SignatureSpec
  hash: Hash
  /** The signed content, in order. */
  signed: readonly SignedPart[]
  /**
   * Methods whose signed content differs (Designer Cloud signs `<t>.<url>` for GET, DELETE and
   * HEAD): a body sent with them is signed by nothing, so it is refused unless `allowUnsignedBody`.
   * `vendor` names the sender in those messages.
   */
  signedByMethod?: { methods: readonly string[]; signed: readonly SignedPart[]; vendor: string }
  /**
   * The signed timestamp and its unit: a parameter of the signature (`params.timestamp`) or its
   * own header.
   */
  timestamp?: { unit: 's' | 'ms'; header?: string | readonly string[] }
  /**
   * The delivery id: a header (signed when `signed` lists `'id'`; `generate` makes one for `sign`
   * when none is given) or a top-level text field of the payload (signed with the body).
   */
  id?: { header: string | readonly string[]; generate?: (nowMs: number) => string } | { field: string }
  /** Where the event name is: a header, or a top-level text field of the payload. */
  eventFrom?: { header: string } | { field: string }
  /** How a secret becomes key bytes: its UTF-8 bytes (default) or Standard Webhooks' `whsec_` + base64. */
  secret?: 'utf8' | 'whsec-base64'
  /** Header spelling in messages and `sign`'s output: `X-Acme-Signature` (default) or as named, lowercase. */
  spelling?: 'canonical' | 'lower'
}

/**
 * The row functions a scheme compiles to.
 *
 * @example
 * const compiled: CompiledScheme = compileScheme({ signature: { header: 'x-acme-signature', prefix: '', encoding: 'hex' }, hash: 'SHA-256', signed: ['body'] })
 */
export type CompiledScheme = Pick<Provider, 'signatureHeaders' | 'detect' | 'parse' | 'sign' | 'deliveryId' | 'event'> &
  Partial<Pick<Provider, 'timestampUnit' | 'keyFromSecret'>>

const HEX_LENGTH: Record<Hash, number> = { 'SHA-1': 40, 'SHA-256': 64, 'SHA-512': 128 }
const BYTE_LENGTH: Record<Hash, number> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-512': 64 }
const NAMED = new Set(['body', 'timestamp', 'id', 'url'])

/**
 * A header name as messages and `sign` spell it.
 *
 * @example
 * canonicalHeader('x-acme-signature') // 'X-Acme-Signature'
 */
export function canonicalHeader(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase())
}

const list = (v: string | readonly string[]): string[] => (typeof v === 'string' ? [v] : [...v])
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** What the MAC covers, for the result's `covered`: the named parts, in order, frozen once. */
function coveredBy(parts: readonly SignedPart[]): readonly string[] {
  const names = parts.filter((p) => NAMED.has(p))
  return names.length === 1 && names[0] === 'body' ? COVERS_BODY : Object.freeze(names)
}

/** The first of `names` the request carries, with every copy (`undefined` when none is). */
function firstOf(request: RequestView, names: readonly string[]): { name: string; value: string | string[] } | undefined {
  for (const name of names) {
    // every spelling: a second copy under another casing must not hide behind the first
    const value = request.header(name, true)
    if (value !== undefined) return { name, value }
  }
  return undefined
}

/** Standard Webhooks' key: the base64 after `whsec_`, padding optional as in the reference libraries. */
function whsecKey(provider: string): (secret: string) => Uint8Array {
  return (secret) => {
    let text = secret.startsWith('whsec_') ? secret.slice(6) : secret
    if (text.length % 4 !== 0 && !text.endsWith('=')) text += '='.repeat(4 - (text.length % 4))
    const bytes = base64ToBytes(text)
    if (bytes === undefined || bytes.length === 0) {
      throw new TypeError(`${provider}: the secret must be "whsec_" followed by base64 (as the sender shows it)`)
    }
    return bytes
  }
}

interface Values {
  body: Part
  timestamp?: string
  id?: string
  url?: string
}

/** The signed parts in order, compiled once: a body-only scheme allocates just `[body]` per request. */
function partsPlan(signed: readonly SignedPart[]): (values: Values) => Part[] {
  if (signed.length === 1 && signed[0] === 'body') return (values) => [values.body]
  const named = signed.map((p) => NAMED.has(p))
  const n = signed.length
  return (values) => {
    const out: Part[] = new Array(n)
    for (let i = 0; i < n; i++) out[i] = named[i] ? (values[signed[i] as keyof Values] as Part) : (signed[i] as string)
    return out
  }
}

/**
 * Compiles a scheme once into a row's `detect`, `parse` and `sign` (plus `signatureHeaders`,
 * `timestampUnit`, `keyFromSecret`, `deliveryId`, `event`). `provider` names the row in
 * failures and secret errors. Parse and sign read the same data, so they cannot disagree.
 *
 * @example
 * const row = defineProvider({
 *   ...compileScheme({ signature: { header: 'x-acme-signature', prefix: 'sha256=', encoding: 'hex' }, hash: 'SHA-256', signed: ['body'] }, 'acme'),
 *   name: 'acme', title: 'Acme', docs: 'https://acme.example/webhooks', replayTtlSeconds: 86_400, dedupFallback: 'signature',
 * })
 */
export function compileScheme(spec: SchemeSpec, provider = ''): CompiledScheme {
  const sig = spec.signature
  const { hash, encoding } = { hash: spec.hash, encoding: sig.encoding }
  const headers = list(sig.header)
  const spell = spec.spelling === 'lower' ? (h: string) => h : canonicalHeader
  // spelled once here, not per request: the regex replace cost ~0.5 µs on every verification
  const spelled = new Map(headers.map((h) => [h, spell(h)]))
  const display = sig.display ?? spell(headers[0] as string)
  const length = encoding === 'hex' ? HEX_LENGTH[hash] : Math.ceil(BYTE_LENGTH[hash] / 3) * 4
  const encode = (mac: Uint8Array) =>
    encoding === 'hex' ? (sig.hexCase === 'upper' ? bytesToHex(mac).toUpperCase() : bytesToHex(mac)) : bytesToBase64(mac)
  const unit = spec.timestamp?.unit
  const tsHeaders = spec.timestamp?.header === undefined ? undefined : list(spec.timestamp.header)
  const idSpec = spec.id
  const idHeaders = idSpec !== undefined && 'header' in idSpec ? list(idSpec.header) : undefined
  const idSigned = spec.signed.includes('id')
  const bodySigned = spec.signed.includes('body')
  // the id the key is made of is the id the MAC covered: a header it signs, or a field of a signed body
  const idKeyed = (idSigned && idHeaders !== undefined) || (idSpec !== undefined && 'field' in idSpec && bodySigned)
  const covered = coveredBy(spec.signed)
  const signedParts = partsPlan(spec.signed)
  const byMethod = spec.signedByMethod
  const methodSigned = byMethod === undefined ? undefined : new Set(byMethod.methods.map((m) => m.toUpperCase()))
  const methodCovered = byMethod === undefined ? undefined : coveredBy(byMethod.signed)
  const methodParts = byMethod === undefined ? undefined : partsPlan(byMethod.signed)
  const grammar = sig.params !== undefined ? 'list' : sig.versioned !== undefined ? 'list' : 'token'

  const readExtra = (request: RequestView, names: readonly string[]) => {
    const found = firstOf(request, names) ?? { name: names[0] as string, value: undefined }
    return { name: found.name, value: singleValue(found.value, spell(found.name), provider) }
  }

  /** The signature grammar's own decoding; the extras (id, timestamp header) are read before it. */
  const decodeSignature = grammarOf(spec, { display, length, provider, spell })

  const detect = detectorOf(spec, { headers, length, idHeaders })

  function parse(request: RequestView): ParsedSignature | Failure {
    const found = firstOf(request, headers)
    if (found === undefined) return fail('MISSING_SIGNATURE', `No ${display} header`)
    const value = singleValue(found.value, spelled.get(found.name) as string, provider, grammar)
    if (value === undefined || isFailure(value)) return value as Failure
    let id: string | undefined
    if (idSigned && idHeaders !== undefined) {
      const read = readExtra(request, idHeaders)
      if (isFailure(read.value)) return read.value
      if (read.value === undefined || read.value === '') {
        return fail('MALFORMED_SIGNATURE', `${display} is present but ${spell(idHeaders[0] as string)} is missing`)
      }
      id = read.value
    }
    let ts: string | undefined
    let timestamp: number | undefined
    if (tsHeaders !== undefined) {
      const read = readExtra(request, tsHeaders)
      if (isFailure(read.value)) return read.value
      if (read.value === undefined) return fail('MISSING_TIMESTAMP', `No ${spell(tsHeaders[0] as string)} header`)
      const parsed = parseTimestamp(read.value, spell(tsHeaders[0] as string))
      if (isFailure(parsed)) return parsed
      ts = read.value
      timestamp = parsed
    }
    const decoded = decodeSignature(value, spelled.get(found.name) as string)
    if (isFailure(decoded)) return decoded
    if (decoded.timestamp !== undefined) {
      ts = decoded.timestamp
      timestamp = decoded.timestampValue
    }
    const method = byMethod === undefined ? undefined : (request.method ?? 'POST').toUpperCase()
    if (method !== undefined && methodSigned?.has(method) === true) {
      return urlSigned(request, method, { value, signatures: decoded.signatures, ts, timestamp, id })
    }
    const parts = signedParts({ body: request.body, timestamp: ts, id })
    // one object literal per shape (no property added later): the result is built on every request
    if (timestamp === undefined) {
      return idKeyed
        ? { hash, signatures: decoded.signatures, parts, value, encoding, covered, deliveryIdSigned: true }
        : { hash, signatures: decoded.signatures, parts, value, encoding, covered }
    }
    return idKeyed
      ? { hash, signatures: decoded.signatures, parts, value, timestamp, encoding, covered, deliveryIdSigned: true }
      : { hash, signatures: decoded.signatures, parts, value, timestamp, encoding, covered }
  }

  function urlSigned(
    request: RequestView,
    method: string,
    p: { value: string; signatures: Uint8Array[]; ts?: string; timestamp?: number; id?: string },
  ): ParsedSignature | Failure {
    const vendor = (byMethod as NonNullable<typeof byMethod>).vendor
    if (request.url === undefined) {
      return fail(
        'SIGNATURE_MISMATCH',
        `${vendor} signs the URL for ${method} requests, and none was given: pass url (the full URL as received) or the signedUrl option`,
      )
    }
    // only the listed parts are signed: body bytes here came from someone else (the vendor sends
    // none with these methods), so they never become an authenticated payload
    const unsigned = request.body.length > 0
    if (unsigned && request.options.allowUnsignedBody !== true) {
      const what = (methodCovered as readonly string[]).map((n) => (n === 'url' ? 'the URL' : `the ${n}`)).join(' and ')
      return fail(
        'BODY_NOT_AUTHENTICATED',
        `A ${vendor} ${method} signature covers only ${what}, yet the request has a ${request.body.length}-byte body that nothing signs. ${vendor} sends no body with ${method}; set allowUnsignedBody: true to accept it anyway (it stays out of payload, bodyAuthenticated: false)`,
      )
    }
    const out: { -readonly [K in keyof ParsedSignature]: ParsedSignature[K] } = {
      hash,
      signatures: p.signatures,
      parts: (methodParts as NonNullable<typeof methodParts>)({
        body: request.body,
        timestamp: p.ts,
        id: p.id,
        url: request.url,
      }),
      value: p.value,
      encoding,
      covered: methodCovered as readonly string[],
      bodyIgnored: true,
      bodyAuthenticated: !unsigned,
    }
    if (p.timestamp !== undefined) out.timestamp = p.timestamp
    return out
  }

  async function sign(input: Parameters<Provider['sign']>[0], tools: Parameters<Provider['sign']>[1]) {
    const now = input.now ?? Date.now()
    const ts = unit === undefined ? undefined : String(Math.floor(unit === 'ms' ? now : now / 1000))
    const id =
      idSigned && idHeaders !== undefined && idSpec !== undefined && 'header' in idSpec
        ? (input.id ?? idSpec.generate?.(now) ?? String(Math.floor(now)))
        : input.id
    const method = (input.method ?? 'POST').toUpperCase()
    const url = methodSigned?.has(method) === true
    const plan = url ? (methodParts as NonNullable<typeof methodParts>) : signedParts
    const mac = await tools.hmac(hash, plan({ body: input.body, timestamp: ts, id, url: input.url ?? '' }))
    const digest = encode(mac)
    const text =
      sig.params !== undefined
        ? `${sig.params.timestamp !== undefined ? `${sig.params.timestamp}=${ts},` : ''}${sig.params.signature}=${digest}`
        : sig.versioned !== undefined
          ? `${sig.versioned},${digest}`
          : sig.prefix + digest
    const out: Record<string, string> = {}
    if (idSigned && idHeaders !== undefined && id !== undefined) out[spell(idHeaders[0] as string)] = id
    if (tsHeaders !== undefined && ts !== undefined) out[spell(tsHeaders[0] as string)] = ts
    out[display] = text
    if (!idSigned && idHeaders !== undefined && input.id !== undefined) out[spell(idHeaders[0] as string)] = input.id
    if (spec.eventFrom !== undefined && 'header' in spec.eventFrom && input.event !== undefined)
      out[spell(spec.eventFrom.header)] = input.event
    return out
  }

  const compiled: { -readonly [K in keyof CompiledScheme]: CompiledScheme[K] } = { signatureHeaders: headers, detect, parse, sign }
  if (unit !== undefined) compiled.timestampUnit = unit
  if (spec.secret === 'whsec-base64') compiled.keyFromSecret = whsecKey(provider)
  if (idSpec !== undefined) {
    compiled.deliveryId =
      'field' in idSpec
        ? payloadText(idSpec.field)
        : (request) => {
            // the same header parse read: the id in the key is the id the MAC covered
            const v = (firstOf(request, idHeaders as string[]) ?? { value: undefined }).value
            return typeof v === 'string' ? v : v?.[0]
          }
  }
  if (spec.eventFrom !== undefined) {
    compiled.event = 'field' in spec.eventFrom ? payloadText(spec.eventFrom.field) : headerText(spec.eventFrom.header)
  }
  return compiled
}

interface Decoded {
  signatures: Uint8Array[]
  /** The timestamp as sent, when the grammar carries it (`params.timestamp`). */
  timestamp?: string
  timestampValue?: number
}

interface GrammarContext {
  display: string
  length: number
  provider: string
  spell: (name: string) => string
}

function grammarOf(spec: SchemeSpec, c: GrammarContext): (value: string, name: string) => Decoded | Failure {
  const sig = spec.signature
  const { encoding } = sig
  const bytes = BYTE_LENGTH[spec.hash]
  if (sig.params !== undefined) return paramsGrammar(sig.params, encoding, spec.timestamp?.unit ?? 's', c)
  if (sig.versioned !== undefined) {
    const version = sig.versioned
    const what = `"${version},<${encoding} HMAC-${spec.hash.replace('-', '')}>"`
    return (value, name) => {
      const signatures: Uint8Array[] = []
      // as the reference libraries: an entry that is not a well-formed version is skipped, not
      // fatal (a sender may add versions this library does not know); a known one must still match
      let skipped = 0
      for (const entry of value.split(' ')) {
        if (entry === '') continue
        const comma = entry.indexOf(',')
        // one comma per entry: a second is a copy of the header joined with "," (API Gateway HTTP APIs)
        if (comma >= 0 && entry.indexOf(',', comma + 1) >= 0) return sentTimes(name, 2, c.provider)
        if (comma < 0 || entry.slice(0, comma) !== version) {
          skipped++
          continue
        }
        const text = entry.slice(comma + 1)
        const decoded = encoding === 'hex' ? hexToSignature(text) : base64ToSignature(text)
        if (decoded === undefined || decoded.length !== bytes) {
          skipped++
          continue
        }
        signatures.push(decoded)
      }
      if (signatures.length === 0) {
        return fail(
          'MALFORMED_SIGNATURE',
          `${c.display} has no valid ${what} entry${skipped > 0 ? ` (${skipped} other or malformed ${skipped === 1 ? 'entry' : 'entries'} skipped)` : ''}`,
        )
      }
      return { signatures }
    }
  }
  const prefix = sig.prefix as string
  const grammar = `${prefix}<${c.length} ${encoding === 'hex' ? 'hex digits' : 'base64 characters'}>`
  return (value, name) => {
    if (prefix === '' && /^[A-Za-z0-9-]{1,10}=/.test(value)) {
      return fail('MALFORMED_SIGNATURE', `${name} must be a bare ${grammar}; it starts with "${value.slice(0, value.indexOf('=') + 1)}"`)
    }
    if (!value.startsWith(prefix)) {
      const got = value.slice(0, Math.min(value.indexOf('=') + 1 || 8, 12))
      return fail(
        'MALFORMED_SIGNATURE',
        prefix === '' ? `${name} must be a bare ${grammar}; it starts with "${got}"` : `${name} must start with "${prefix}"`,
      )
    }
    const chars = value.length - prefix.length
    // pooled: the bytes are compared once and dropped (see hexToSignature)
    const decoded =
      chars !== c.length
        ? undefined
        : encoding === 'hex'
          ? hexToSignature(value, prefix.length)
          : base64ToSignature(value.slice(prefix.length))
    if (decoded === undefined) return fail('MALFORMED_SIGNATURE', `${name} must be ${grammar}; got ${chars} characters`)
    return { signatures: [decoded] }
  }
}

function paramsGrammar(
  params: { timestamp?: string; signature: string },
  encoding: 'hex' | 'base64',
  unit: 's' | 'ms',
  c: GrammarContext,
): (value: string, name: string) => Decoded | Failure {
  const tsKey = params.timestamp
  const sigKey = params.signature
  const shape = `${tsKey === undefined ? '' : `${tsKey}=<${unit}>,`}${sigKey}=<${c.length} ${encoding}>`
  const chars = encoding === 'hex' ? 'hex digits' : 'base64 characters'
  // the timestamp's name in messages, spelled once per header name
  const labels = new Map<string, string>()
  return (value, name) => {
    let t: string | undefined
    const signatures: Uint8Array[] = []
    const others: string[] = []
    for (const item of value.split(',')) {
      const eq = item.indexOf('=')
      const key = (eq < 0 ? item : item.slice(0, eq)).trim()
      const v = eq < 0 ? '' : item.slice(eq + 1).trim()
      if (key === tsKey) {
        // the sender writes one of each: a second is a copy joined with "," (API Gateway HTTP APIs)
        if (t !== undefined) return sentTimes(name, 2, c.provider)
        t = v
      } else if (key === sigKey) {
        if (signatures.length > 0) return sentTimes(name, 2, c.provider)
        // pooled: compared once and dropped (see hexToSignature)
        const bytes = v.length === c.length ? (encoding === 'hex' ? hexToSignature(v) : base64ToSignature(v)) : undefined
        if (bytes === undefined) {
          return fail('MALFORMED_SIGNATURE', `"${sigKey}" in ${name} must be ${c.length} ${chars}; got ${v.length} characters`)
        }
        signatures.push(bytes)
      } else others.push(key)
    }
    if (signatures.length === 0) {
      return fail(
        'MALFORMED_SIGNATURE',
        `${name} must be "${shape}"; it has no "${sigKey}="${others.length ? ` (keys: ${others.slice(0, 4).join(', ')})` : ''}`,
      )
    }
    if (tsKey === undefined) return { signatures }
    if (t === undefined) return fail('MISSING_TIMESTAMP', `${name} has no "${tsKey}=<${unit}>" timestamp`)
    let label = labels.get(name)
    if (label === undefined) labels.set(name, (label = `"${tsKey}" in ${name}`))
    const timestampValue = parseTimestamp(t, label)
    if (isFailure(timestampValue)) return timestampValue
    return { signatures, timestamp: t, timestampValue }
  }
}

function detectorOf(
  spec: SchemeSpec,
  c: { headers: readonly string[]; length: number; idHeaders: readonly string[] | undefined },
): (request: RequestView) => boolean {
  const sig = spec.signature
  const { encoding } = sig
  const digit = encoding === 'hex' ? '[0-9a-fA-F]' : '[A-Za-z0-9+/=]'
  if (sig.params !== undefined) {
    const ts = sig.params.timestamp === undefined ? '' : `${escapeRegExp(sig.params.timestamp)}=\\d+\\s*,\\s*`
    const shape = new RegExp(`^\\s*${ts}${escapeRegExp(sig.params.signature)}=${digit}{${c.length}}\\s*$`)
    return (request) => {
      const v = firstOf(request, c.headers)?.value
      return typeof v === 'string' && shape.test(v)
    }
  }
  if (sig.versioned !== undefined) {
    const entry = new RegExp(`(^|\\s)${escapeRegExp(sig.versioned)},`)
    return (request) => {
      const v = firstOf(request, c.headers)?.value
      return typeof v === 'string' && entry.test(v) && (c.idHeaders === undefined || firstOf(request, c.idHeaders) !== undefined)
    }
  }
  const prefix = sig.prefix as string
  return (request) => {
    const found = firstOf(request, c.headers)
    if (found === undefined || typeof found.value !== 'string') return found !== undefined
    const v = found.value
    return v.length === prefix.length + c.length && v.startsWith(prefix) && decode(encoding, v.slice(prefix.length)) !== undefined
  }
}

/**
 * The row fields besides the scheme: everything `defineProvider` takes except what the scheme
 * compiles to.
 *
 * @example
 * const meta: RowMeta = { name: 'acme', title: 'Acme', docs: 'https://acme.example/webhooks', replayTtlSeconds: 86_400, dedupFallback: 'signature' }
 */
export type RowMeta = Omit<Provider, keyof CompiledScheme> & Partial<Pick<Provider, keyof CompiledScheme>>

/**
 * A provider row from a scheme and the row's own fields, compiled once: the usual way to write a
 * row. Fields given beside the scheme (a `sign` wrapper, `hints`) win over the compiled ones.
 *
 * @example
 * export const acme = schemeProvider({
 *   name: 'acme', title: 'Acme', docs: 'https://acme.example/webhooks', envVar: 'ACME_WEBHOOK_SECRET',
 *   replayTtlSeconds: 86_400, dedupFallback: 'signature',
 *   signature: { header: 'x-acme-signature', prefix: 'sha256=', encoding: 'hex' },
 *   hash: 'SHA-256', signed: ['body'], eventFrom: { field: 'event' },
 * })
 */
export function schemeProvider<R extends RowMeta>(row: R & SchemeSpec): Readonly<Omit<R, keyof SchemeSpec> & CompiledScheme> {
  const { signature, hash, signed, signedByMethod, timestamp, id, eventFrom, secret, spelling, ...meta } = row
  const compiled = compileScheme({ signature, hash, signed, signedByMethod, timestamp, id, eventFrom, secret, spelling }, row.name)
  return defineProvider({ ...compiled, ...meta } as unknown as Omit<R, keyof SchemeSpec> & CompiledScheme & Provider)
}
