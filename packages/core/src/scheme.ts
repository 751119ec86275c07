import type { Hash, Part } from './crypto/types.js'
import { base64ToBytes } from './encoding.js'
import { type Failure, fail } from './failure.js'
import { loadOnDemand, onDemand } from './on-demand-load.js'
import {
  COVERS_BODY,
  defineProvider,
  headerText,
  isFailure,
  type ParsedSignature,
  type Provider,
  payloadText,
  type RequestView,
  type SignInput,
  type SignTools,
  singleValue,
} from './provider.js'
import { BYTE_LENGTH, type Decoded, firstOf, type Grammar, PARAMS_GRAMMAR, PREFIX_GRAMMAR, VERSIONED_GRAMMAR } from './scheme-grammars.js'
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

/** What the MAC covers, for the result's `covered`: the named parts, in order, frozen once. */
function coveredBy(parts: readonly SignedPart[]): readonly string[] {
  const names = parts.filter((p) => NAMED.has(p))
  return names.length === 1 && names[0] === 'body' ? COVERS_BODY : Object.freeze(names)
}

/** @internal Standard Webhooks' key: the base64 after `whsec_`, padding optional as in the reference libraries. */
export function whsecKey(provider: string): (secret: string) => Uint8Array {
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
  return compileSchemeWith(kitFor(spec.signature), spec, provider)
}

/**
 * @internal What {@link compileSchemeWith} compiles with: one grammar, and the steps only some
 * schemes take (signed id and timestamp headers, a URL signed for some methods, `whsec_` keys).
 * A built-in row names its own, so its bundle holds nothing else of the compiler.
 */
export interface SchemeKit {
  readonly grammar: Grammar
  readonly readExtras?: typeof readExtras
  readonly urlSigned?: typeof urlSigned
  readonly whsecKey?: typeof whsecKey
}

/** Every step, and the grammar a signature spec is written in: `params`, `versioned`, else `prefix`. */
function kitFor(sig: SignatureSpec): SchemeKit {
  const grammar = sig.params !== undefined ? PARAMS_GRAMMAR : sig.versioned !== undefined ? VERSIONED_GRAMMAR : PREFIX_GRAMMAR
  return { grammar, readExtras, urlSigned, whsecKey }
}

/** The step a spec needs and the kit lacks, named at startup. */
function missingStep(kit: SchemeKit, spec: SchemeSpec): string | undefined {
  if (!kit.grammar.applies(spec.signature)) return 'the signature is not in the grammar it is compiled with'
  const extras = spec.signed.includes('id') || spec.timestamp?.header !== undefined
  if (extras && kit.readExtras === undefined) return 'signed id or timestamp headers need readExtras'
  if (spec.signedByMethod !== undefined && kit.urlSigned === undefined) return 'signedByMethod needs urlSigned'
  if (spec.secret === 'whsec-base64' && kit.whsecKey === undefined) return "secret: 'whsec-base64' needs whsecKey"
  return undefined
}

/**
 * @internal {@link compileScheme} with its grammar and steps named by the caller, so a row's bundle
 * holds only those (the built-in rows compile this way). A spec in another grammar, or one that
 * needs a step the kit lacks, is a `TypeError` at startup.
 */
export function compileSchemeWith(kit: SchemeKit, spec: SchemeSpec, provider = ''): CompiledScheme {
  const missing = missingStep(kit, spec)
  if (missing !== undefined) throw new TypeError(`${provider || 'compileScheme'}: ${missing}`)
  const { grammar } = kit
  const plan = planOf(kit, spec, provider)
  const compiled: { -readonly [K in keyof CompiledScheme]: CompiledScheme[K] } = {
    signatureHeaders: plan.headers,
    detect: grammar.detector(spec, plan.context),
    parse: (request) => parseWith(plan, request),
    sign: (input, tools) => signLater(plan, input, tools),
  }
  if (plan.unit !== undefined) compiled.timestampUnit = plan.unit
  if (spec.secret === 'whsec-base64') compiled.keyFromSecret = (kit.whsecKey as typeof whsecKey)(provider)
  const { id, eventFrom } = spec
  if (id !== undefined) {
    const names = plan.idHeaders as string[]
    compiled.deliveryId =
      'field' in id
        ? payloadText(id.field)
        : (request) => {
            // the same header parse read: the id in the key is the id the MAC covered
            const v = firstOf(request, names)?.value
            return typeof v === 'string' ? v : v?.[0]
          }
  }
  if (eventFrom !== undefined) compiled.event = 'field' in eventFrom ? payloadText(eventFrom.field) : headerText(eventFrom.header)
  return compiled
}

/** @internal Everything a scheme's parse and sign read per request, computed once. */
export interface Plan {
  kit: SchemeKit
  grammar: Grammar
  /** What the grammar's decoder and detector read. */
  context: { display: string; length: number; provider: string; headers: readonly string[]; idHeaders?: readonly string[] | undefined }
  spec: SchemeSpec
  provider: string
  hash: Hash
  encoding: 'hex' | 'base64'
  headers: string[]
  spell: (name: string) => string
  spelled: Map<string, string>
  display: string
  length: number
  unit?: 's' | 'ms'
  tsHeaders?: string[]
  idHeaders?: string[]
  idSigned: boolean
  idKeyed: boolean
  covered: readonly string[]
  parts: (values: Values) => Part[]
  methods?: Set<string>
  methodCovered?: readonly string[]
  methodParts?: (values: Values) => Part[]
  decode: (value: string, name: string) => Decoded | Failure
}

function planOf(kit: SchemeKit, spec: SchemeSpec, provider: string): Plan {
  const { grammar } = kit
  const sig = spec.signature
  const { hash } = spec
  const { encoding } = sig
  const headers = list(sig.header)
  const spell = spec.spelling === 'lower' ? (h: string) => h : canonicalHeader
  const display = sig.display ?? spell(headers[0] as string)
  const length = encoding === 'hex' ? HEX_LENGTH[hash] : Math.ceil(BYTE_LENGTH[hash] / 3) * 4
  const id = spec.id
  const idHeaders = id !== undefined && 'header' in id ? list(id.header) : undefined
  const idSigned = spec.signed.includes('id')
  const byMethod = spec.signedByMethod
  const context = { display, length, provider, headers, idHeaders }
  return {
    kit,
    grammar,
    context,
    spec,
    provider,
    hash,
    encoding,
    headers,
    spell,
    // spelled once here, not per request: the regex replace cost ~0.5 µs on every verification
    spelled: new Map(headers.map((h) => [h, spell(h)])),
    display,
    length,
    ...(spec.timestamp === undefined ? {} : { unit: spec.timestamp.unit }),
    ...(spec.timestamp?.header === undefined ? {} : { tsHeaders: list(spec.timestamp.header) }),
    ...(idHeaders === undefined ? {} : { idHeaders }),
    idSigned,
    // the id the key is made of is the id the MAC covered: a header it signs, or a field of a signed body
    idKeyed: (idSigned && idHeaders !== undefined) || (id !== undefined && 'field' in id && spec.signed.includes('body')),
    covered: coveredBy(spec.signed),
    parts: partsPlan(spec.signed),
    ...(byMethod === undefined
      ? {}
      : {
          methods: new Set(byMethod.methods.map((m) => m.toUpperCase())),
          methodCovered: coveredBy(byMethod.signed),
          methodParts: partsPlan(byMethod.signed),
        }),
    decode: grammar.decoder(spec, context),
  }
}

/** A header besides the signature (id, timestamp), sent at most once. */
function readExtra(plan: Plan, request: RequestView, names: readonly string[]): string | undefined | Failure {
  const found = firstOf(request, names) ?? { name: names[0] as string, value: undefined }
  return singleValue(found.value, plan.spell(found.name), plan.provider)
}

/** @internal The signed id and timestamp headers, read before the signature grammar (in this order). */
export function readExtras(plan: Plan, request: RequestView): { id?: string; ts?: string; timestamp?: number } | Failure {
  const out: { id?: string; ts?: string; timestamp?: number } = {}
  if (plan.idSigned && plan.idHeaders !== undefined) {
    const id = readExtra(plan, request, plan.idHeaders)
    if (isFailure(id)) return id
    if (id === undefined || id === '') {
      return fail('MALFORMED_SIGNATURE', `${plan.display} is present but ${plan.spell(plan.idHeaders[0] as string)} is missing`)
    }
    out.id = id
  }
  if (plan.tsHeaders !== undefined) {
    const name = plan.spell(plan.tsHeaders[0] as string)
    const ts = readExtra(plan, request, plan.tsHeaders)
    if (isFailure(ts)) return ts
    if (ts === undefined) return fail('MISSING_TIMESTAMP', `No ${name} header`)
    const timestamp = parseTimestamp(ts, name)
    if (isFailure(timestamp)) return timestamp
    out.ts = ts
    out.timestamp = timestamp
  }
  return out
}

function parseWith(plan: Plan, request: RequestView): ParsedSignature | Failure {
  // firstOf(), without its { name, value } object: this runs on every request
  let header: string | undefined
  let found: string | string[] | undefined
  for (const h of plan.headers) {
    found = request.header(h, true)
    if (found !== undefined) {
      header = h
      break
    }
  }
  if (header === undefined) return fail('MISSING_SIGNATURE', `No ${plan.display} header`)
  const name = plan.spelled.get(header) as string
  const value = singleValue(found as string | string[], name, plan.provider, plan.grammar.joined)
  if (value === undefined || isFailure(value)) return value as Failure
  const extras = plan.idSigned || plan.tsHeaders !== undefined ? (plan.kit.readExtras as typeof readExtras)(plan, request) : NO_EXTRAS
  if (isFailure(extras)) return extras
  const decoded = plan.decode(value, name)
  if (isFailure(decoded)) return decoded
  const id = extras.id
  const ts = decoded.timestamp ?? extras.ts
  const timestamp = decoded.timestamp !== undefined ? decoded.timestampValue : extras.timestamp
  const { hash, encoding, covered } = plan
  const signatures = decoded.signatures
  if (plan.methods !== undefined) {
    const method = (request.method ?? 'POST').toUpperCase()
    if (plan.methods.has(method))
      return (plan.kit.urlSigned as typeof urlSigned)(plan, request, method, { value, signatures, ts, timestamp, id })
  }
  const parts = plan.parts({ body: request.body, timestamp: ts, id })
  // one object literal per shape (no property added later): the result is built on every request
  if (timestamp === undefined) {
    return plan.idKeyed
      ? { hash, signatures, parts, value, encoding, covered, deliveryIdSigned: true }
      : { hash, signatures, parts, value, encoding, covered }
  }
  return plan.idKeyed
    ? { hash, signatures, parts, value, timestamp, encoding, covered, deliveryIdSigned: true }
    : { hash, signatures, parts, value, timestamp, encoding, covered }
}

/** Signing is async anyway: its code loads with the first `sign`, so a verifying Worker bundles none of it. */
function signLater(plan: Plan, input: SignInput, tools: SignTools): Promise<Record<string, string>> {
  if (onDemand !== undefined) return onDemand.signWith(plan, input, tools)
  return loadOnDemand().then((m) => m.signWith(plan, input, tools))
}

const NO_EXTRAS: { id?: string; ts?: string; timestamp?: number } = Object.freeze({})

/** @internal `signedByMethod`: the request of a method whose signed content is the URL (Designer Cloud GET/DELETE). */
export function urlSigned(
  plan: Plan,
  request: RequestView,
  method: string,
  p: { value: string; signatures: Uint8Array[]; ts?: string | undefined; timestamp?: number | undefined; id?: string | undefined },
): ParsedSignature | Failure {
  const vendor = (plan.spec.signedByMethod as NonNullable<SchemeSpec['signedByMethod']>).vendor
  if (request.url === undefined) {
    return fail(
      'SIGNATURE_MISMATCH',
      `${vendor} signs the URL for ${method} requests, and none was given: pass url (the full URL as received) or the signedUrl option`,
    )
  }
  // only the listed parts are signed: body bytes here came from someone else (the vendor sends
  // none with these methods), so they never become an authenticated payload
  const unsigned = request.body.length > 0
  const covered = plan.methodCovered as readonly string[]
  if (unsigned && request.options.allowUnsignedBody !== true) {
    const what = covered.map((n) => (n === 'url' ? 'the URL' : `the ${n}`)).join(' and ')
    return fail(
      'BODY_NOT_AUTHENTICATED',
      `A ${vendor} ${method} signature covers only ${what}, yet the request has a ${request.body.length}-byte body that nothing signs. ${vendor} sends no body with ${method}; set allowUnsignedBody: true to accept it anyway (it stays out of payload, bodyAuthenticated: false)`,
    )
  }
  const parts = (plan.methodParts as NonNullable<Plan['methodParts']>)({ body: request.body, timestamp: p.ts, id: p.id, url: request.url })
  const out: { -readonly [K in keyof ParsedSignature]: ParsedSignature[K] } = {
    hash: plan.hash,
    signatures: p.signatures,
    parts,
    value: p.value,
    encoding: plan.encoding,
    covered,
    bodyIgnored: true,
    bodyAuthenticated: !unsigned,
  }
  if (p.timestamp !== undefined) out.timestamp = p.timestamp
  return out
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
  return schemeRowWith(kitFor(row.signature), row)
}

/** @internal {@link schemeProvider} with its kit named, as {@link compileSchemeWith}. */
export function schemeRowWith<R extends RowMeta>(
  kit: SchemeKit,
  row: R & SchemeSpec,
): Readonly<Omit<R, keyof SchemeSpec> & CompiledScheme> {
  const { signature, hash, signed, signedByMethod, timestamp, id, eventFrom, secret, spelling, ...meta } = row
  const compiled = compileSchemeWith(kit, { signature, hash, signed, signedByMethod, timestamp, id, eventFrom, secret, spelling }, row.name)
  return defineProvider({ ...compiled, ...meta } as unknown as Omit<R, keyof SchemeSpec> & CompiledScheme & Provider)
}
