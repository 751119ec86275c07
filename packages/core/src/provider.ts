import type { Hash, Part } from './crypto/types.js'
import { base64ToSignature, hexToSignature } from './encoding.js'
import { type Failure, fail, isFailure } from './failure.js'
import type { HeaderLookup } from './headers.js'
import type { XplentyMetadataOptions } from './providers/xplenty.js'
import { compileSchemeWith } from './scheme.js'
import { PREFIX_GRAMMAR } from './scheme-grammars.js'

/**
 * The request as a provider row sees it.
 *
 * @example
 * // in a custom row: read the signature header as one value
 * detect: (request) => typeof request.header('x-acme-signature') === 'string',
 */
export interface RequestView {
  readonly body: Uint8Array
  /** Raw lookup: arrays mean the header was sent more than once. */
  readonly header: HeaderLookup
  readonly method: string | undefined
  /** The URL as the sender signed it (Designer Cloud GET/DELETE); see `signedUrl`. */
  readonly url: string | undefined
  /** Verifier options, for provider-specific switches. */
  readonly options: ProviderOptions
  /** Parsed body, for schemes that sign fields of it; computed once on demand. */
  json(): unknown
}

/**
 * Options that only some providers read.
 *
 * @example
 * createVerifier({ provider: 'github', secret, allowLegacySha1: true })
 */
export interface ProviderOptions {
  /**
   * Accept deliveries whose signature does not cover the body (`bodyAuthenticated: false`): UP42
   * without a signed digest; Designer Cloud GET/DELETE/HEAD with a non-empty body (the body is then
   * left out of `payload`).
   */
  allowUnsignedBody?: boolean
  /**
   * UP42: accept deliveries whose signed content carries no time (no signed `Date`, no `timestamp`
   * in a digest-authenticated body). Such a delivery can be replayed for ever: use a replay store.
   */
  allowUnsignedTimestamp?: boolean
  /** GitHub: accept the legacy HMAC-SHA1 `X-Hub-Signature` when no SHA-256 header is sent. */
  allowLegacySha1?: boolean
  /** Xplenty: `'body-hmac'` (default) or the experimental `'sha1-metadata'` (body not authenticated). */
  xplentyScheme?: 'body-hmac' | 'sha1-metadata'
  /**
   * Xplenty `sha1-metadata` inputs: the hook's `{ hookId, url }` as configured in Xplenty (plus
   * `event`, `separator`), or a function returning the strings hashed before the salt, in order.
   * Read by `explain()` under `body-hmac` too, to say when a failed delivery matches this scheme.
   */
  xplentyMetadata?: XplentyMetadataOptions | ((request: RequestView) => string[])
}

/**
 * What a row's `parse` extracts from the headers.
 *
 * @example
 * // a custom row: hex HMAC-SHA256 of the body in X-Acme-Signature
 * parse(request) {
 *   const value = request.header('x-acme-signature')
 *   const bytes = typeof value === 'string' ? hexToBytes(value) : undefined
 *   if (typeof value !== 'string' || bytes === undefined) return { ok: false, code: 'MALFORMED_SIGNATURE', status: 400, message: 'X-Acme-Signature is not hex' }
 *   return { hash: 'SHA-256', signatures: [bytes], parts: [request.body], value }
 * },
 */
export interface ParsedSignature {
  /** Hash for the MAC. */
  readonly hash: Hash
  /** Candidate signatures as decoded bytes (several for rotation-friendly headers). */
  readonly signatures: readonly Uint8Array[]
  /** The signed content, in pieces. */
  readonly parts: readonly Part[]
  /** The signature header value as sent, for diagnostics (never a dedup key: one signature has many spellings). */
  readonly value: string
  /** Signed timestamp in the provider's unit, when the scheme has one. */
  readonly timestamp?: number
  /** `'hmac'` (default) or `'salted-digest'` (plain hash of parts followed by the secret). */
  readonly mac?: 'hmac' | 'salted-digest'
  /** Defaults to true. */
  readonly bodyAuthenticated?: boolean
  /** Encoding of `signatures` in the header, for diagnostics. */
  readonly encoding?: 'hex' | 'base64'
  /**
   * Names of what the MAC covers, for the result's `covered` (e.g. `['timestamp', 'url']`). Use a
   * frozen array made once per scheme. Default `['body']`, or `[]` when `bodyAuthenticated` is false.
   */
  readonly covered?: readonly string[]
  /**
   * `true` when the row's `deliveryId` reads a value this MAC covers (Standard Webhooks
   * `webhook-id`, UP42 `messageId` in a digest-authenticated body). Duplicates are then keyed on
   * that id, which stays stable when the sender re-signs a retry; otherwise on the verified MAC.
   */
  readonly deliveryIdSigned?: boolean
  /** `true` when the scheme signs no body at all (Designer Cloud GET/DELETE): it is never parsed into `payload`. */
  readonly bodyIgnored?: boolean
}

/** What the MAC of a body-only scheme covers. */
export const COVERS_BODY: readonly string[] = Object.freeze(['body'])
/** What a scheme that signs nothing of the body covers, as far as the verifier can name it. */
export const COVERS_NOTHING: readonly string[] = Object.freeze([])

/**
 * Input of `sign`, the sending side.
 *
 * @example
 * const headers = await sign('orchest', { secret: 'test-secret-1', body, id: crypto.randomUUID(), event: 'ping' })
 */
export interface SignInput {
  /** The secret as entered in the vendor's settings. */
  secret: string
  /** Exact bytes that will be sent. */
  body: Uint8Array | string
  /** Clock in ms; the signed timestamp is derived from it in the provider's unit. Default `Date.now()`. */
  now?: number
  /** Delivery id header where the scheme has one (Orchest, GitHub, Standard Webhooks). */
  id?: string
  /** Event header where the scheme has one (Orchest, GitHub). */
  event?: string
  /** HTTP method (Designer Cloud signs the URL for GET and DELETE). Default POST. */
  method?: string
  /** Full URL (Designer Cloud GET/DELETE). */
  url?: string
  /** Other request headers: UP42 signs listed header values. */
  headers?: Record<string, string>
  /** UP42: the header names to sign, in order. Default `['content-digest', 'date']`. */
  signedHeaders?: string[]
  /** UP42: digest header form. Default `'rfc9530'` (`Content-Digest: sha-256=:<b64>:`). */
  digest?: 'rfc9530' | 'legacy' | 'none'
  /** Xplenty / GitHub legacy: hash for the body HMAC. */
  hash?: 'SHA-1' | 'SHA-256'
  /** Orchest before v2022.06.3: send `X-Orchest-Signature` instead of `X-Hub-Signature`. */
  legacyHeader?: boolean
  /** Xplenty: sign with `sha1-metadata` (SHA-1 of hook id + `event` + url + secret) instead of a body HMAC. */
  xplentyMetadata?: Pick<XplentyMetadataOptions, 'hookId' | 'url' | 'separator'>
}

/**
 * Tools a row's `sign` gets from core, so it never writes its own HMAC.
 *
 * @example
 * // a custom row's sign
 * async sign(input, tools) {
 *   const mac = await tools.hmac('SHA-256', [typeof input.body === 'string' ? new TextEncoder().encode(input.body) : input.body])
 *   return { 'X-Acme-Signature': bytesToHex(mac) }
 * },
 */
export interface SignTools {
  hmac(hash: Hash, parts: readonly Part[]): Promise<Uint8Array>
  digest(hash: Hash, parts: readonly Part[]): Promise<Uint8Array>
}

/**
 * What a row's `afterVerify` may establish besides "no failure".
 *
 * @example
 * // a custom row whose signed body carries the time
 * async afterVerify({ request }) {
 *   return { timestampMs: Date.parse((request.json() as { sentAt: string }).sentAt) }
 * },
 */
export interface AfterVerifyResult {
  /** The signed time the row checked against the tolerance, in ms; becomes the result's `timestamp`. */
  readonly timestampMs?: number
}

/**
 * Details a row computes after the MAC holds (UP42 digest and `Date`).
 *
 * @example
 * // a custom row that also requires a header the MAC does not cover
 * async afterVerify({ request }) {
 *   if (request.header('x-acme-tenant') === undefined) return { ok: false, code: 'INVALID_PAYLOAD', status: 400, message: 'X-Acme-Tenant is missing' }
 *   return undefined
 * },
 */
export interface AfterVerifyContext {
  readonly request: RequestView
  readonly parsed: ParsedSignature
  readonly nowMs: number
  readonly toleranceMs: number
  digest(hash: Hash, parts: readonly Part[]): Promise<Uint8Array>
  equal(a: Uint8Array, b: Uint8Array): boolean
}

/**
 * One sender's scheme, as data plus the few functions that data cannot say. The registry
 * `providers` is the only list: detection, docs tables, the mock sender and the CLI read it.
 *
 * @example
 * for (const provider of Object.values(providers)) console.log(provider.name, provider.signatureHeaders[0], provider.docs)
 */
export interface Provider {
  /** Registry name, e.g. `'orchest'`. */
  readonly name: string
  /** Human name, e.g. `'Orchest'`. */
  readonly title: string
  /** Vendor documentation of the scheme. */
  readonly docs: string
  /** Environment variable the zero-argument adapters read the secret from. */
  readonly envVar?: string
  /** Former names of `envVar`, still read when it is not set (it wins when both are). */
  readonly legacyEnvVars?: readonly string[]
  /** Signature header names (lowercase), first is canonical. */
  readonly signatureHeaders: readonly string[]
  /** Unit of the signed timestamp; absent when the scheme signs none. */
  readonly timestampUnit?: 's' | 'ms'
  /** How long a processed delivery id is remembered by default: the vendor's retry window. */
  readonly replayTtlSeconds: number
  /**
   * What dedup keys on when the delivery id is not signed (`deliveryIdSigned`): `'signature'`, the
   * verified MAC bytes (canonical: every spelling of one signature is one key), or `'none'` when
   * the MAC is not unique per delivery (Xplenty metadata).
   */
  readonly dedupFallback: 'signature' | 'none'
  /**
   * HTTP methods the vendor sends deliveries with (default `['POST']`); Designer Cloud's webhook
   * tasks can use any. An app mounts its route for these.
   */
  readonly methods?: readonly string[]
  /**
   * A secret in the form the vendor's settings show, for demos and tests (Standard Webhooks: the
   * spec's `whsec_…` example); absent when any text is a secret. Never use it in production.
   */
  readonly secretExample?: string
  /**
   * Type-only: the payload type of this provider's deliveries, read by `PayloadOf` (see
   * {@link payloadType}). Nothing reads it at run time.
   */
  readonly payload?: PayloadType<unknown>
  /** Form bodies whose fields are JSON documents (Orchest). */
  readonly formFieldsAreJson?: boolean
  /** Turns the secret into key bytes (default UTF-8). May throw `TypeError` for a malformed secret. */
  keyFromSecret?(secret: string): Uint8Array
  /** `true` when the request carries this provider's signature in its grammar. */
  detect(request: RequestView): boolean
  /** Reads the signature headers; a `Failure` for missing or malformed ones. */
  parse(request: RequestView): ParsedSignature | Failure
  /** Checks that need the MAC to hold first; may return the signed time it established. */
  afterVerify?(context: AfterVerifyContext): Promise<Failure | AfterVerifyResult | undefined>
  /** The vendor's delivery id, shown as `deliveryId`; the dedup key only when the parse says `deliveryIdSigned`. */
  deliveryId?(request: RequestView, payload: unknown): string | undefined
  /** Event name. */
  event?(request: RequestView, payload: unknown): string | undefined
  /** The sending side: signature headers (and any header the scheme signs) for a body. */
  sign(input: SignInput, tools: SignTools): Promise<Record<string, string>>
  /**
   * Why the verifier options cannot drive this row (a vendor switch set wrong), or `undefined`;
   * meant to be called once at startup so a bad setup throws there, not per request.
   */
  optionsProblem?(options: ProviderOptions): string | undefined
  /**
   * `explain()` hints that only this vendor can give, for a signature that does not match: a
   * `cause` (a variant of the scheme that does match) or `notes`. Called by `explain()` within its
   * MAC budget; a throw is ignored.
   */
  hints?(context: HintContext): Promise<RowHints> | RowHints
  /**
   * `explain()`'s sentence when a request for this provider looks like another one (by registry
   * name), instead of the generic "the signature headers look like ...".
   */
  readonly lookalikes?: Readonly<Record<string, string>>
}

/**
 * What a row's `hints` sees: the request, its parse, the configured keys and a budgeted backend.
 *
 * @example
 * // a custom row: say when the sender signed the body with SHA-1 instead
 * async hints({ request, parsed, keys, hmac, equal }) {
 *   for (const key of keys) if (equal(await hmac('SHA-1', key, [request.body]), parsed.signatures[0] as Uint8Array)) return { cause: ['The body is signed with HMAC-SHA1'] }
 *   return {}
 * },
 */
export interface HintContext {
  readonly request: RequestView
  readonly parsed: ParsedSignature
  /** Key bytes of the configured secrets, in order. */
  readonly keys: readonly Uint8Array[]
  hmac(hash: Hash, key: Uint8Array, parts: readonly Part[]): Promise<Uint8Array>
  digest(hash: Hash, parts: readonly Part[]): Promise<Uint8Array>
  equal(a: Uint8Array, b: Uint8Array): boolean
}

/**
 * A row's `explain()` hints: `cause` when a variant of the scheme matched (it comes first unless a
 * generic cause was found), `notes` for what cannot be tried.
 *
 * @example
 * const out: RowHints = { notes: ['Acme signs with the secret shown once at creation'] }
 */
export interface RowHints {
  readonly cause?: readonly string[]
  readonly notes?: readonly string[]
}

/**
 * A type carried by a row for the compiler only (the value is an empty frozen object).
 *
 * @example
 * const marker: PayloadType<{ event: string }> = payloadType<{ event: string }>()
 */
export interface PayloadType<T> {
  readonly '~payload'?: T
}

const PAYLOAD_MARKER: PayloadType<never> = Object.freeze({})

/**
 * Declares the payload type of a row, so `createVerifier({ provider: row })` and
 * `PayloadOf<'name'>` type `payload` without a hand-kept list.
 *
 * @example
 * const acme = defineProvider({ ...row, payload: payloadType<{ event: string; id: string }>() })
 */
export function payloadType<T>(): PayloadType<T> {
  return PAYLOAD_MARKER as PayloadType<T>
}

/**
 * The payload type a row declares with {@link payloadType}; `unknown` when it declares none.
 *
 * @example
 * type P = PayloadOfRow<typeof acme> // { event: string; id: string }
 */
export type PayloadOfRow<R> = R extends { readonly payload?: PayloadType<infer P> } ? P : unknown

/**
 * Declares a provider. Rows are frozen; a malformed row throws `TypeError` at once.
 *
 * @example
 * const acme = defineProvider({
 *   ...prefixedHmac({ header: 'x-acme-signature', prefix: 'sha256=', encoding: 'hex', hash: 'SHA-256' }),
 *   name: 'acme', title: 'Acme', docs: 'https://acme.example/webhooks',
 *   replayTtlSeconds: 86_400, dedupFallback: 'signature',
 * })
 * const verifier = createVerifier({ provider: acme, secret })
 */
export function defineProvider<P extends Provider>(row: P): Readonly<P> {
  if (typeof row?.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(row.name)) {
    throw new TypeError(`defineProvider: name must be lowercase letters, digits and dashes, got ${String(row?.name)}`)
  }
  for (const fn of ['detect', 'parse', 'sign'] as const) {
    if (typeof row[fn] !== 'function') throw new TypeError(`defineProvider(${row.name}): ${fn} must be a function`)
  }
  if (!Array.isArray(row.signatureHeaders) || row.signatureHeaders.length === 0) {
    throw new TypeError(`defineProvider(${row.name}): signatureHeaders must name at least one header`)
  }
  if (!(row.replayTtlSeconds > 0)) {
    throw new TypeError(`defineProvider(${row.name}): replayTtlSeconds must be a positive number`)
  }
  return Object.freeze({ ...row, signatureHeaders: row.signatureHeaders.map((h) => h.toLowerCase()) })
}

/**
 * A row that is also a function: `github` is the row, `github({ allowLegacySha1: true })` the same
 * row with its vendor switches fixed (see {@link configurable}).
 *
 * @example
 * const strict: Provider = github
 * const legacy: Provider = github({ allowLegacySha1: true })
 */
export type Configurable<R, Switches> = Readonly<R> & ((switches: Switches) => Readonly<R>)

/**
 * Makes a row configurable by its vendor switches. `toOptions` checks the switches (throws
 * `TypeError` at once on a bad one) and spells them as the verifier options the row reads, which
 * remain the old spelling: a switch given to the row wins over the verifier option of the same
 * meaning. The configured row keeps the name, so the registry, routes and hints still know it.
 *
 * @example
 * export const acme = configurable(acmeRow, (s: { strict?: boolean }) => ({ allowLegacySha1: s.strict !== true }))
 * createVerifier({ provider: acme({ strict: true }), secret })
 */
export function configurable<R extends Provider, Switches>(
  row: Readonly<R>,
  toOptions: (switches: Switches) => ProviderOptions,
): Configurable<R, Switches> {
  const configure = (switches: Switches): Readonly<R> => {
    const fixed = toOptions(switches)
    const view = (request: RequestView): RequestView => new SwitchedView(request, fixed)
    const out: Record<string, unknown> = { ...row }
    out.detect = (request: RequestView) => row.detect(view(request))
    out.parse = (request: RequestView) => row.parse(view(request))
    const { afterVerify, deliveryId, event, hints } = row
    if (afterVerify) out.afterVerify = (c: AfterVerifyContext) => afterVerify({ ...c, request: view(c.request) })
    if (deliveryId) out.deliveryId = (request: RequestView, payload: unknown) => deliveryId(view(request), payload)
    if (event) out.event = (request: RequestView, payload: unknown) => event(view(request), payload)
    if (hints) out.hints = (c: HintContext) => hints({ ...c, request: view(c.request) })
    return defineProvider(out as unknown as R)
  }
  // the row's own fields on the function, so `github` itself is the unconfigured row
  Object.defineProperties(configure, Object.getOwnPropertyDescriptors(row))
  return Object.freeze(configure) as unknown as Configurable<R, Switches>
}

/**
 * A request as a configured row sees it: the verifier's options with the row's switches over them.
 * A class, not an object literal with a `url` getter (built by a runtime call each time).
 */
class SwitchedView implements RequestView {
  readonly body: Uint8Array
  readonly header: HeaderLookup
  readonly method: string | undefined
  readonly options: ProviderOptions

  constructor(
    private readonly request: RequestView,
    fixed: ProviderOptions,
  ) {
    this.body = request.body
    this.header = request.header
    this.method = request.method
    this.options = { ...request.options, ...fixed }
  }

  /** Read when a scheme signs the URL, not per request (see VerifierOptions.signedUrl). */
  get url(): string | undefined {
    return this.request.url
  }

  json(): unknown {
    return this.request.json()
  }
}

/** Longest header value any row reads; longer ones are malformed, not parsed. */
export const MAX_HEADER_LENGTH = 8192

/**
 * How a copy of a header joined to another (Fetch `Headers` and Node's `req.headers` join with
 * `", "`, API Gateway HTTP APIs with `","`) is told apart from one value:
 * - `'token'` (default): the grammar holds no comma at all (bare hex or base64, `sha256=<hex>`,
 *   `label=<base64>`, digits, ids), so any comma means the header was sent more than once;
 * - `'list'`: the grammar has commas but never `", "` (`t=<ms>,sha256=<hex>`, `v1,<b64> v1,<b64>`);
 *   the row itself rejects what a bare `","` join leaves (a second `t=` or `sha256=`);
 * - `'text'`: commas are part of the value (`Date`, digests, any header a scheme signs).
 *
 * @example
 * single(request, 'x-acme-signature', 'X-Acme-Signature', 'acme') // 'a, b' is "sent 2 times"
 * single(request, 'date', 'Date', 'acme', 'text') // 'Tue, 01 Dec 2026 ...' is one value
 */
export type HeaderGrammar = 'token' | 'list' | 'text'

/**
 * Reads one header that must be sent at most once. `undefined` when absent, a `Failure` when sent
 * twice (as an array, or joined into one value: see {@link HeaderGrammar}) or absurdly long.
 */
export function single(
  request: RequestView,
  name: string,
  display: string,
  provider: string,
  grammar: HeaderGrammar = 'token',
): string | undefined | Failure {
  return singleValue(request.header(name, true), display, provider, grammar)
}

/** {@link single} over a value already read. */
export function singleValue(
  value: string | string[] | undefined,
  display: string,
  provider: string,
  grammar: HeaderGrammar = 'token',
): string | undefined | Failure {
  if (value === undefined) return undefined
  if (typeof value !== 'string') return sentTimes(display, value.length, provider)
  if (value.length > MAX_HEADER_LENGTH) {
    return fail('MALFORMED_SIGNATURE', `${display} is ${value.length} characters long; at most ${MAX_HEADER_LENGTH} are read`, {
      provider,
    })
  }
  // one indexOf on the success path; the count is only made for the rejection
  if (grammar === 'token' ? value.indexOf(',') >= 0 : grammar === 'list' && value.indexOf(', ') >= 0) {
    return sentTimes(display, value.split(grammar === 'token' ? ',' : ', ').length, provider)
  }
  return value
}

/**
 * The `MALFORMED_SIGNATURE` failure for a header that arrived `times` times. Rows whose grammar
 * lets a bare `","` join through {@link single} (see {@link HeaderGrammar} `'list'`) use it too,
 * so every shape of a duplicate says the same thing.
 *
 * @example
 * if (seenT) return sentTimes('X-Acme-Signature', 2, 'acme')
 */
export function sentTimes(display: string, times: number, provider: string): Failure {
  return fail('MALFORMED_SIGNATURE', `${display} was sent ${times} times; send it once`, { provider })
}

export { isFailure }

/** Decodes a digest in the given encoding. */
export function decode(encoding: 'hex' | 'base64', text: string): Uint8Array | undefined {
  // pooled: the bytes are compared once and dropped (see hexToSignature)
  return encoding === 'hex' ? hexToSignature(text) : base64ToSignature(text)
}

/**
 * Options of {@link prefixedHmac}.
 *
 * @example
 * const options: PrefixedHmacOptions = { header: 'x-acme-signature', prefix: 'sha256=', encoding: 'hex', hash: 'SHA-256' }
 */
export interface PrefixedHmacOptions {
  /** Header names, canonical first (lowercase). */
  header: string | readonly string[]
  /** Text before the digest, e.g. `'sha256='`; `''` for a bare digest. */
  prefix: string
  encoding: 'hex' | 'base64'
  hash: Hash
  /** Header with the delivery id. */
  deliveryIdHeader?: string
  /** Header with the event name. */
  eventHeader?: string
  /** How the header is spelled in messages and in `sign`'s output. */
  display?: string
  /** Case of the hex `sign` writes (parse accepts either). Default `'lower'`. */
  hexCase?: 'lower' | 'upper'
}

/**
 * The common scheme as data: one header, an optional prefix, a hex or base64 HMAC of the raw
 * body. Returns the row's functions; spread it into `defineProvider`. A shorthand of
 * `compileScheme` (`scheme.ts`), which also covers timestamps, ids and lists.
 *
 * @example
 * const acme = defineProvider({
 *   ...prefixedHmac({ header: 'x-acme-signature', prefix: 'sha256=', encoding: 'hex', hash: 'SHA-256', deliveryIdHeader: 'x-acme-delivery' }),
 *   name: 'acme', title: 'Acme', docs: 'https://acme.example/webhooks',
 *   replayTtlSeconds: 86_400, dedupFallback: 'signature',
 * })
 */
export function prefixedHmac(
  options: PrefixedHmacOptions,
): Pick<Provider, 'signatureHeaders' | 'detect' | 'parse' | 'sign' | 'deliveryId' | 'event'> & { name?: never } {
  const { signatureHeaders, detect, parse, sign, deliveryId, event } = compileSchemeWith(
    { grammar: PREFIX_GRAMMAR },
    {
      signature: {
        header: options.header,
        prefix: options.prefix,
        encoding: options.encoding,
        ...(options.display === undefined ? {} : { display: options.display }),
        ...(options.hexCase === undefined ? {} : { hexCase: options.hexCase }),
      },
      hash: options.hash,
      signed: ['body'],
      ...(options.deliveryIdHeader === undefined ? {} : { id: { header: options.deliveryIdHeader } }),
      ...(options.eventHeader === undefined ? {} : { eventFrom: { header: options.eventHeader } }),
    },
  )
  return { signatureHeaders, detect, parse, sign, deliveryId, event }
}

/** Reads a header as one string (first value if repeated). */
export function headerText(name: string): (request: RequestView) => string | undefined {
  return (request) => {
    const v = request.header(name)
    return typeof v === 'string' ? v : v?.[0]
  }
}

/**
 * Reads a top-level string field of the parsed payload (UP42 `messageId` and `event`, Standard
 * Webhooks `type`); `undefined` when absent, empty or not a string.
 *
 * @example
 * defineProvider({ ...row, event: payloadText('event') })
 */
export function payloadText(field: string): (request: RequestView, payload: unknown) => string | undefined {
  return (_request, payload) => {
    const value = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)[field] : undefined
    return typeof value === 'string' && value !== '' ? value : undefined
  }
}
