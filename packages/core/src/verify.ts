import type { CryptoBackend, Hash, Part } from './crypto/types.js'
import { toBytes } from './encoding.js'
import { type Failure, fail, WebhookVerificationError } from './errors.js'
import { type HeaderLookup, type HeadersInput, headerLookup } from './headers.js'
import type { DiagnoseState } from './hints.js'
import { noop, type ReplayPolicy, replayPolicy } from './lifecycle.js'
import { attachLog, createRejectionLog, type RejectionLog, secretsIn, type WebhookLogger } from './log.js'
import { andThen, type Maybe } from './maybe.js'
import { loadOnDemand, onDemand } from './on-demand-load.js'
import { checkVerifierOptions, didYouMean, positive, toleranceWarning } from './options.js'
import { parsePayload } from './payload.js'
import type { PayloadOf } from './payloads.js'
import {
  type AfterVerifyResult,
  COVERS_BODY,
  COVERS_NOTHING,
  isFailure,
  type ParsedSignature,
  type Provider,
  type ProviderOptions,
  type RequestView,
} from './provider.js'
import type { PROVIDER_ALIASES, ProviderAlias, ProviderName } from './providers/index.js'
import type { ReplayStore } from './replay.js'
import { checkTolerance, toMs } from './timestamp.js'

/**
 * One request as received.
 *
 * @example
 * // Express with express.raw(): the Buffer is the body as received
 * const input: VerifyInput = { body: req.body, headers: req.headers, method: req.method, url: `https://${req.get('host')}${req.originalUrl}` }
 */
export interface VerifyInput {
  /** The raw body exactly as received. A string is taken as UTF-8: a last resort. */
  body: Uint8Array | ArrayBuffer | string | null | undefined
  /** Fetch `Headers`, Node's `IncomingHttpHeaders` / `headersDistinct`, or a plain record. */
  headers: HeadersInput
  /** Needed only by schemes that sign it (Designer Cloud GET/DELETE). */
  method?: string
  /** Full URL as received (`https://host/path?query`); needed only by Designer Cloud GET/DELETE. */
  url?: string
}

/**
 * A provider with its own secret, for receivers of several senders.
 *
 * @example
 * createVerifier({
 *   providers: [
 *     { provider: 'orchest', secret: process.env.ORCHEST_WEBHOOK_SECRET },
 *     { provider: 'y42', secrets: [process.env.Y42_WEBHOOK_SECRET, process.env.Y42_WEBHOOK_SECRET_OLD] },
 *   ],
 * })
 */
export interface ProviderConfig {
  provider: ProviderName | ProviderAlias | Provider
  secret?: string | readonly string[]
  secrets?: readonly string[]
}

/**
 * Options of {@link createVerifier} and `verify`.
 *
 * @example
 * const options: VerifierOptions = { provider: 'designer-cloud', secrets: [current, previous], toleranceSeconds: 300, replayStore: new MemoryReplayStore() }
 */
export interface VerifierOptions extends ProviderOptions {
  /**
   * The sender (a built-in name, a vendor alias such as `'trifacta'` or `'integrate.io'`, or a row
   * from `defineProvider`). Or `providers` to accept several, detected by header names and value grammar.
   */
  provider?: ProviderName | ProviderAlias | Provider
  /** Several senders; each entry may carry its own secret. */
  providers?: ReadonlyArray<ProviderName | ProviderAlias | Provider | ProviderConfig>
  /** The secret as entered in the vendor's settings; an array means `[current, previous]`. */
  secret?: string | readonly string[]
  /** Secrets for rotation, current first. The result's `secretIndex` says which matched. */
  secrets?: readonly string[]
  /** Two-sided tolerance for signed timestamps, in seconds. Default 300. */
  toleranceSeconds?: number
  /** Claims each delivery so it is processed once; see `MemoryReplayStore`. Default none. */
  replayStore?: ReplayStore | false
  /**
   * Lease of a claim, in seconds. Default 60. While the handler runs, the claim is renewed every
   * `leaseSeconds / 3` (stores with `renew`), so a slow handler is never run twice; a crashed
   * process stops renewing, and the retry gets in after one lease.
   */
  leaseSeconds?: number
  /**
   * Longest a claim is renewed, in seconds. Default 900 (15 min). After it the lease lapses, so a
   * hung handler, or a direct `verify()` caller that never calls `complete()`/`abort()`, cannot
   * block the sender's retries forever.
   */
  maxHoldSeconds?: number
  /** How long a processed delivery is remembered. Default: the provider's retry window. */
  replayTtlSeconds?: number
  /**
   * Your own dedup key (e.g. Designer Cloud `$jobId` + `$jobStatus`); `undefined` skips dedup. By
   * default the key is the signed delivery id where the MAC covers one, else the verified MAC.
   */
  deliveryKey?: (webhook: VerifiedWebhook) => string | undefined
  /**
   * Compute `replayKey` even without a `replayStore`, for a transactional inbox that dedups on
   * it (`@hookproof/postgres`; adapters with an `inbox` set this). Default false: no store, no key.
   */
  keyDeliveries?: boolean
  /** Clock in ms. Default `Date.now`. */
  now?: () => number
  /** Designer Cloud GET/DELETE: the URL the sender signed, when it differs from `url` (proxies). */
  signedUrl?: string | ((input: VerifyInput) => string | undefined)
  /** Parse the body after verification. Default true. */
  parse?: boolean
  /**
   * Where startup warnings and, in adapters, `verifyRequest` and `verifyLambdaEvent`, rejections
   * are logged: default `console.warn`, a `{ warn(message, fields) }` logger (console, winston,
   * pino) instead, `false` for silence. One line per rejection with provider, code, status and the
   * first `explain()` hint; 4xx rate-limited per provider and code; never a secret or a signature.
   * `verify()` and `check()` themselves log nothing.
   */
  logger?: WebhookLogger | false
}

/**
 * A delivery whose signature holds.
 *
 * @example
 * const hook: VerifiedWebhook<{ event: { type: string } }> = await verifier.verify({ body, headers })
 * if (hook.secretIndex > 0) log.info('sender still signs with the previous secret')
 */
export interface VerifiedWebhook<Payload = unknown> {
  /** Provider name, e.g. `'orchest'`. */
  readonly provider: string
  /** Event name, when the scheme or payload names one. */
  readonly event: string | undefined
  /** The sender's delivery id (`X-Orchest-Delivery`, UP42 `messageId`, `webhook-id`, …). */
  readonly deliveryId: string | undefined
  /** The signed timestamp in ms since the epoch, when the scheme signs one. */
  readonly timestamp: number | undefined
  /** The parsed body: JSON, decoded form fields, text, bytes, or `undefined` when empty. */
  readonly payload: Payload
  /** The bytes that were verified (the same object that was passed in, when it was bytes). */
  readonly rawBody: Uint8Array
  /** Which of the configured secrets matched (0 = current). */
  readonly secretIndex: number
  /** `false` when the signature does not cover the body (UP42 opt-out, Xplenty sha1-metadata). */
  readonly bodyAuthenticated: boolean
  /**
   * What the MAC covered: `'body'`, `'timestamp'`, `'id'`, `'url'`, or (UP42) the names of the
   * signed headers. Anything not listed could have been changed by whoever sent the request; the
   * HTTP method is never covered (Designer Cloud signs only `t.url` for GET/DELETE).
   */
  readonly covered: readonly string[]
  /** The replay-store key this delivery was claimed under, if any. */
  readonly replayKey: string | undefined
  /** Marks the delivery processed (call after your handler succeeded). No-op without a store. */
  complete(): Promise<void>
  /** Releases the claim so the sender's retry is processed (call when your handler failed). */
  abort(): Promise<void>
}

/**
 * Result of `check`: never throws, never builds an `Error`.
 *
 * @example
 * const result: CheckResult = await verifier.check({ body, headers })
 * if (!result.ok) return new Response(null, { status: result.status })
 * await handle(result.webhook.payload)
 */
export type CheckResult<Payload = unknown> = { ok: true; webhook: VerifiedWebhook<Payload> } | Failure

/**
 * A verifier built once at startup.
 *
 * @example
 * const verifier: Verifier = createVerifier({ provider: 'orchest', secret: process.env.ORCHEST_WEBHOOK_SECRET })
 * const hook = await verifier.verify({ body, headers })
 */
export interface Verifier<DefaultPayload = unknown> {
  /** Verifies and returns the delivery, or throws `WebhookVerificationError`. */
  verify<Payload = DefaultPayload>(input: VerifyInput): Promise<VerifiedWebhook<Payload>>
  /** Same work; resolves to `{ ok: false, code, status, message }` instead of throwing. */
  check<Payload = DefaultPayload>(input: VerifyInput): Promise<CheckResult<Payload>>
  /** Names of the configured providers, in detection order. */
  readonly providers: readonly string[]
}

/**
 * The payload type a verifier's options imply: the provider's documented shape when one built-in
 * provider is named (`PayloadOf<'up42'>`), else `unknown`.
 *
 * @example
 * type P = PayloadForOptions<{ provider: 'orchest'; secret: string }> // OrchestPayload
 */
export type PayloadForOptions<Options> = Options extends { provider: infer Name }
  ? PayloadOf<Name extends ProviderAlias ? (typeof PROVIDER_ALIASES)[Name] : Name>
  : unknown

/**
 * `Options` with every key that {@link VerifierOptions} does not know typed `never`: a generic
 * `const Options` parameter turns off TypeScript's excess-property check, so a misspelt option
 * (`tolerance: 10`) would type-check and be ignored.
 *
 * @example
 * function make<const O extends VerifierOptions>(options: O & KnownOptions<O>) {}
 */
export type KnownOptions<Options> = { [K in Exclude<keyof Options, keyof VerifierOptions>]: never }

/**
 * The providers a verifier resolves names in: the entry passes the registry (or one row), so the
 * verifier imports no row itself and a per-provider entry bundles only its own.
 */
export interface ProviderTable {
  readonly providers: Readonly<Record<string, Provider>>
  /** Other names of the same rows (`trifacta` for `designer-cloud`). */
  readonly aliases: Readonly<Record<string, string>>
  /** Why the options cannot drive the configured rows (a vendor switch), or `undefined`; run at startup. */
  readonly optionsProblem?: (options: VerifierOptions, rows: readonly Provider[]) => string | undefined
}

// ---------------------------------------------------------------------------------------------
// Compile: once per createVerifier, every check of the options and every key made here.
// Per request, read top to bottom: check → checkRequest → selectProviders → tryFrom → attempt
// (parseSignature → matchFrom/compareAt → afterMatch → checkTime → runAfterVerify) → next →
// verified → delivered → resultOf → claim (claim.ts, loaded on demand) → outcome.
// ---------------------------------------------------------------------------------------------

interface Entry {
  provider: Provider
  secrets: readonly string[]
  keyBytes: readonly Uint8Array[]
  keys: Map<Hash, unknown[]>
  /** The SIGNATURE_MISMATCH failure, written once: a forged flood should cost no string building. */
  mismatch: Failure
  /** How a timestamp failure names the timestamp, written once. */
  timeLabel: string
}

/** Everything the steps of a request read, decided once by {@link compile}. */
interface Compiled {
  readonly backend: CryptoBackend
  /** The options as given: rows read their switches from them (`RequestView.options`). */
  readonly options: VerifierOptions
  readonly list: readonly Entry[]
  /** The list when it has one entry: no detection then. */
  readonly onlyOne: readonly Entry[] | undefined
  readonly configured: readonly Provider[]
  /** The table's rows, for `explain()`'s lookalike hints. */
  readonly known: readonly Provider[]
  readonly toleranceMs: number
  readonly clock: () => number
  readonly parseBody: boolean
  readonly signedUrl: VerifierOptions['signedUrl']
  /** `undefined`: nothing to key, nothing to claim. */
  readonly replay: ReplayPolicy | undefined
  /** `AfterVerifyContext.digest`, made once. */
  readonly digest: (hash: Hash, parts: readonly Part[]) => Promise<Uint8Array>
  readonly log: RejectionLog
}

/** @internal Builds `createVerifier` over a crypto backend and the providers it knows by name. */
export function verifierFactory(backend: CryptoBackend, registry: ProviderTable) {
  /**
   * Builds a verifier once at startup: validates options (throws `TypeError` on a bad setup,
   * never per request) and prepares keys.
   *
   * @example
   * const verifier = createVerifier({ provider: 'orchest', secret: process.env.ORCHEST_WEBHOOK_SECRET })
   * const hook = await verifier.verify({ body, headers })
   * // or, never throwing: const result = await verifier.check({ body, headers })
   */
  return function createVerifier<const Options extends VerifierOptions>(
    options: Options & KnownOptions<Options>,
  ): Verifier<PayloadForOptions<Options>> {
    return verifierOf(compile(backend, registry, options)) as Verifier<PayloadForOptions<Options>>
  }
}

/** Validates the options (`TypeError` on a bad setup, never per request) and prepares keys. */
function compile(backend: CryptoBackend, table: ProviderTable, options: VerifierOptions): Compiled {
  if (typeof options !== 'object' || options === null) throw new TypeError('createVerifier(options): options must be an object')
  checkVerifierOptions(options)
  const rows = entries(table, options)
  const log = createRejectionLog(options.logger, secretsIn(options))
  // a vendor switch the configured rows cannot use (Xplenty's), named at startup
  const optionsProblem = table.optionsProblem?.(
    options,
    rows.map((e) => e.provider),
  )
  if (optionsProblem !== undefined) throw new TypeError(optionsProblem)
  const list = rows.map((e) => ({ ...e, provider: fastRow(e.provider) }))
  const toleranceMs = positive('toleranceSeconds', options.toleranceSeconds, 300) * 1000
  const looksLikeMs = toleranceWarning(options.toleranceSeconds)
  if (looksLikeMs !== undefined) log.warn(looksLikeMs)
  const replay = replayPolicy(options)
  const clock = options.now ?? Date.now
  if (typeof clock !== 'function') throw new TypeError('now must be a function returning ms')
  return {
    backend,
    options,
    list,
    onlyOne: list.length === 1 ? list : undefined,
    // the rows as configured (not the fast copies), which hints compare with `known`
    configured: rows.map((e) => e.provider),
    known: Object.values(table.providers),
    toleranceMs,
    clock,
    parseBody: options.parse !== false,
    signedUrl: options.signedUrl,
    replay,
    digest: (hash, parts) => Promise.resolve(backend.digest(hash, parts)),
    log,
  }
}

/** The verifier object over a compiled configuration. */
function verifierOf(c: Compiled): Verifier {
  return attachLog(
    {
      providers: c.list.map((e) => e.provider.name),
      check: <Payload>(input: VerifyInput) => check(c, input) as Promise<CheckResult<Payload>>,
      [CHECK_NOW]: (input: VerifyInput) => checkNow(c, input),
      async verify<Payload>(input: VerifyInput): Promise<VerifiedWebhook<Payload>> {
        const result = await check(c, input)
        if (result.ok) return result.webhook as VerifiedWebhook<Payload>
        throw WebhookVerificationError.from(result)
      },
    },
    c.log,
  )
}

function resolveProvider(table: ProviderTable, value: unknown): Provider {
  const { providers: registry, aliases } = table
  if (typeof value === 'string') {
    const name = aliases[value.toLowerCase()] ?? value.toLowerCase()
    const p = registry[name]
    if (p === undefined) {
      const near = didYouMean(value, [...Object.keys(registry), ...Object.keys(aliases)])
      const target = near === undefined ? undefined : (aliases[near] ?? near)
      throw new TypeError(
        `Unknown provider "${value}"${target === undefined ? '' : ` (did you mean "${target}"?)`}. Built-in providers: ${Object.keys(registry).join(', ')}`,
      )
    }
    return p
  }
  // a configurable row (`github`) is a function carrying the row's fields
  if ((typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as Provider).parse === 'function') {
    return value as Provider
  }
  throw new TypeError('provider must be a built-in provider name or a row from defineProvider')
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value)
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string'
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list'
  return `a ${typeof value}`
}

function secretList(provider: Provider, secret: unknown, secrets: unknown): string[] {
  const list = secrets !== undefined ? secrets : secret
  const arr = typeof list === 'string' ? [list] : Array.isArray(list) ? [...list] : []
  // the usual cause is an environment variable that is not set: name it
  const from = provider.envVar === undefined ? 'pass secret' : `set ${provider.envVar} or pass secret`
  if (arr.length === 0) {
    throw new TypeError(
      `The secret for ${provider.name} is ${describe(list)}: ${from} (the value entered in the sender's webhook settings), or secrets: [current, previous]`,
    )
  }
  for (const s of arr) {
    if (typeof s !== 'string' || s === '') {
      throw new TypeError(`A secret for ${provider.name} is ${describe(s)}: every secret must be a non-empty string (${from})`)
    }
  }
  return arr as string[]
}

/** The configured providers, in detection order, as `{ provider, secret? }` items. */
function configuredItems(
  table: ProviderTable,
  options: VerifierOptions,
): Array<{ provider: unknown; secret?: unknown; secrets?: unknown }> {
  if (options.provider !== undefined && options.providers !== undefined) {
    throw new TypeError('Pass either provider or providers, not both')
  }
  if (options.provider !== undefined) return [{ provider: options.provider }]
  if (Array.isArray(options.providers) && options.providers.length > 0) {
    return options.providers.map((item) => (typeof item === 'object' && item !== null && 'provider' in item ? item : { provider: item }))
  }
  throw new TypeError(`No provider. Pass provider (one of ${Object.keys(table.providers).join(', ')}) or providers: [...]`)
}

function entries(table: ProviderTable, options: VerifierOptions): Entry[] {
  const seen = new Set<string>()
  return configuredItems(table, options).map((item) => {
    const provider = resolveProvider(table, item.provider)
    if (seen.has(provider.name)) throw new TypeError(`Provider "${provider.name}" is configured twice`)
    seen.add(provider.name)
    const own = item.secret !== undefined || item.secrets !== undefined
    const secrets = secretList(provider, own ? item.secret : options.secret, own ? item.secrets : options.secrets)
    // a malformed secret (e.g. not base64 after whsec_) fails here, at startup
    const keyBytes = secrets.map((s) => (provider.keyFromSecret ? provider.keyFromSecret(s) : utf8Key(s)))
    const n = keyBytes.length
    const mismatch = fail(
      'SIGNATURE_MISMATCH',
      `The ${provider.title} signature does not match the body with ${n === 1 ? 'the configured secret' : `any of the ${n} configured secrets`}`,
    )
    return { provider, secrets, keyBytes, keys: new Map(), mismatch, timeLabel: `The ${provider.title} timestamp` }
  })
}

/**
 * The row as a plain object, for the reads of every request. A configurable row (`github`) is a
 * function carrying the row's fields, and redefining a function's own `name` leaves V8 with a
 * dictionary-mode object: each field read is then a hash lookup, about 150 ns per 256 B request
 * over the dozen reads a request makes (bench/ab.ts against aadb50b, before configurable rows).
 */
function fastRow(provider: Provider): Provider {
  return typeof provider === 'function' ? { ...(provider as Provider) } : provider
}

const encoder = new TextEncoder()
function utf8Key(secret: string): Uint8Array {
  return encoder.encode(secret)
}

/** Keys are imported per hash on first use: a row may pick its hash per request (GitHub legacy SHA-1). */
function keysFor(c: Compiled, entry: Entry, hash: Hash): unknown[] {
  let keys = entry.keys.get(hash)
  if (keys === undefined) {
    keys = entry.keyBytes.map((k) => c.backend.importKey(hash, k))
    entry.keys.set(hash, keys)
  }
  return keys
}

/** The expected MAC under secret `index`: a value from node:crypto, a Promise from Web Crypto. */
function macOf(c: Compiled, entry: Entry, parsed: ParsedSignature, index: number): Maybe<Uint8Array> {
  if (parsed.mac === 'salted-digest') {
    return c.backend.digest(parsed.hash, [...parsed.parts, entry.keyBytes[index] as Uint8Array])
  }
  return c.backend.hmac(parsed.hash, keysFor(c, entry, parsed.hash)[index], parsed.parts)
}

/** `View.url` before its first read. */
const UNREAD: unique symbol = Symbol('unread')

/**
 * The request as provider rows see it; a class, so that no closure is made per request for
 * `json()`. `url` is resolved on its first read (only schemes that sign the URL read it), so an
 * adapter's URL, and a `signedUrl` function, cost nothing on the requests that do not.
 */
class View implements RequestView {
  #json: { value: unknown } | undefined
  #url: string | undefined | typeof UNREAD = UNREAD
  constructor(
    readonly body: Uint8Array,
    readonly header: HeaderLookup,
    readonly method: string | undefined,
    private readonly input: VerifyInput,
    private readonly signedUrl: Compiled['signedUrl'],
    readonly options: ProviderOptions,
  ) {}

  get url(): string | undefined {
    if (this.#url === UNREAD) {
      const signedUrl = this.signedUrl
      const url = typeof signedUrl === 'function' ? signedUrl(this.input) : (signedUrl ?? this.input.url)
      this.#url = typeof url === 'string' ? url : undefined
    }
    return this.#url
  }

  json(): unknown {
    if (this.#json === undefined) {
      let value: unknown
      try {
        value = JSON.parse(new TextDecoder().decode(this.body))
      } catch {
        value = undefined
      }
      this.#json = { value }
    }
    return this.#json.value
  }
}

/**
 * One provider tried on one request: the state every step takes, and once the signature holds,
 * the verdict (`secretIndex`, `signature`: the candidate that matched, pooled bytes read within
 * this request only; `timestampMs`: a signed time the row's `afterVerify` established).
 */
/** @internal One provider tried on one request (see above); the claim step (claim.ts) reads it. */
export interface Attempt {
  readonly c: Compiled
  readonly view: View
  /** The providers selected for this request; this attempt is at `index`. */
  readonly chosen: readonly Entry[]
  readonly index: number
  readonly entry: Entry
  /** The failure of the first provider tried, which is what the request is rejected with. */
  readonly first: Failure | undefined
  parsed: ParsedSignature | undefined
  signature: Uint8Array | undefined
  secretIndex: number
  timestampMs: number | undefined
  /** The result, once built: what the claim step keys and claims. */
  webhook: VerifiedWebhook | undefined
}

/** An object literal, not a class: on Node 20 class fields initialise slower than a literal. */
function attemptOf(c: Compiled, view: View, chosen: readonly Entry[], index: number, first: Failure | undefined): Attempt {
  return {
    c,
    view,
    chosen,
    index,
    entry: chosen[index] as Entry,
    first,
    parsed: undefined,
    signature: undefined,
    secretIndex: -1,
    timestampMs: undefined,
    webhook: undefined,
  }
}

// ---------------------------------------------------------------------------------------------
// One request
// ---------------------------------------------------------------------------------------------

/** Not `async`: a synchronous verdict is wrapped once, with no async frame around it. */
function check(c: Compiled, input: VerifyInput): Promise<CheckResult> {
  const result = checkNow(c, input)
  return result instanceof Promise ? result : Promise.resolve(result)
}

/** `check` as a value when the verdict is synchronous (node:crypto, no store): the flow's read of it, with no Promise to wait for. */
function checkNow(c: Compiled, input: VerifyInput): Maybe<CheckResult> {
  try {
    const result = checkRequest(c, input)
    return result instanceof Promise ? result.then(undefined, crashed) : result
  } catch (error) {
    return crashed(error)
  }
}

/**
 * @internal The key of a verifier's `check` that answers a synchronous verdict as a plain value
 * (`Maybe`), for the adapter flow: a Promise and an `await` fewer per request. A verifier made
 * elsewhere (a user's own object) has none, and the flow then calls `check`.
 */
export const CHECK_NOW: unique symbol = Symbol('hookproof.checkNow')

/** @internal A verifier from {@link verifierOf}, as the flow reads it. */
export interface CheckingVerifier extends Verifier {
  readonly [CHECK_NOW]?: (input: VerifyInput) => Maybe<CheckResult>
}

/** Never let a bug or a hostile input escape as anything but a rejection. */
function crashed(error: unknown): Failure {
  return fail('MALFORMED_SIGNATURE', 'The request could not be verified', { hints: async () => [String(error)] })
}

/** Reads the body and headers, selects the providers, tries them in order. */
function checkRequest(c: Compiled, input: VerifyInput): Maybe<CheckResult> {
  if (typeof input !== 'object' || input === null) return fail('MISSING_SIGNATURE', 'verify() needs { body, headers }')
  const body = toBytes(input.body)
  if (body === undefined) {
    return fail('INVALID_PAYLOAD', 'body must be the raw bytes (Uint8Array, Buffer, ArrayBuffer) or, as a last resort, a string')
  }
  const view = viewOf(c, body, headerLookup(input.headers), input)
  const chosen = selectProviders(c, view)
  if (isFailure(chosen)) return chosen
  return tryFrom(c, view, chosen, 0, undefined)
}

function viewOf(c: Compiled, body: Uint8Array, header: HeaderLookup, input: VerifyInput): View {
  return new View(body, header, typeof input.method === 'string' ? input.method : undefined, input, c.signedUrl, c.options)
}

/** The providers whose headers the request carries, in configured order; one configured: that one. */
function selectProviders(c: Compiled, view: View): readonly Entry[] | Failure {
  if (c.onlyOne !== undefined) return c.onlyOne
  const matches = c.list.filter((e) => safeDetect(e.provider, view))
  if (matches.length > 0) return matches
  // a header of some provider is present but its grammar is wrong: let that provider say why
  const present = c.list.find((e) => e.provider.signatureHeaders.some((h) => view.header(h) !== undefined))
  if (present !== undefined) return [present]
  const expected = c.list.map((e) => `${e.provider.signatureHeaders[0]} (${e.provider.name})`).join(', ')
  return fail('MISSING_SIGNATURE', `No webhook signature header. Expected one of: ${expected}`, {
    hints: () => diagnose(c, c.list[0] as Entry, view, undefined, fail('MISSING_SIGNATURE', '')),
  })
}

function safeDetect(provider: Provider, view: RequestView): boolean {
  try {
    return provider.detect(view)
  } catch {
    return false
  }
}

/** Tries the chosen provider at `index`; the first that verifies wins. */
function tryFrom(c: Compiled, view: View, chosen: readonly Entry[], index: number, first: Failure | undefined): Maybe<CheckResult> {
  const a = attemptOf(c, view, chosen, index, first)
  return andThen(attempt(a), next, a)
}

/** After one provider: its result, or the next provider, or the first failure once all failed. */
function next(result: Attempt | Failure, a: Attempt): Maybe<CheckResult> {
  if (!isFailure(result)) return verified(result)
  const first = a.first ?? result
  const index = a.index + 1
  return index < a.chosen.length ? tryFrom(a.c, a.view, a.chosen, index, first) : first
}

/** Runs one provider over the request: parse, MAC, timestamp, provider checks. */
function attempt(a: Attempt): Maybe<Attempt | Failure> {
  const parsed = parseSignature(a)
  if (isFailure(parsed)) return parsed
  a.parsed = parsed
  return andThen(matchFrom(a, 0), afterMatch, a)
}

/** The row's reading of the signature headers; a row that throws is a malformed signature. */
function parseSignature(a: Attempt): ParsedSignature | Failure {
  let parsed: ParsedSignature | Failure
  try {
    parsed = a.entry.provider.parse(a.view)
  } catch {
    return rejected(a, fail('MALFORMED_SIGNATURE', `The ${a.entry.provider.title} signature headers could not be read`))
  }
  return isFailure(parsed) ? rejected(a, parsed) : parsed
}

/**
 * Index of the first secret from `index` on whose MAC equals one of the signatures, or -1. A
 * loop while the backend answers synchronously (node:crypto); a Promise resumes in `compareAt`.
 */
function matchFrom(a: Attempt, index: number): Maybe<number> {
  const parsed = a.parsed as ParsedSignature
  for (let i = index; i < a.entry.keyBytes.length; i++) {
    a.secretIndex = i
    const expected = macOf(a.c, a.entry, parsed, i)
    if (expected instanceof Promise) return andThen(expected, compareAt, a)
    if (matches(expected, a)) return i
  }
  return -1
}

/** The MAC under `a.secretIndex` arrived: a match, or the next secret. */
function compareAt(expected: Uint8Array, a: Attempt): Maybe<number> {
  return matches(expected, a) ? a.secretIndex : matchFrom(a, a.secretIndex + 1)
}

/** Compares one expected MAC with every candidate; the match goes to `a.signature`. */
function matches(expected: Uint8Array, a: Attempt): boolean {
  const equal = a.c.backend.equal
  for (const candidate of (a.parsed as ParsedSignature).signatures) {
    if (equal(expected, candidate)) {
      a.signature = candidate
      return true
    }
  }
  return false
}

/** After the MAC: mismatch, timestamp, provider checks. */
function afterMatch(secretIndex: number, a: Attempt): Maybe<Attempt | Failure> {
  if (secretIndex < 0) return rejected(a, a.entry.mismatch)
  const provider = a.entry.provider
  const parsed = a.parsed as ParsedSignature
  const timed = provider.timestampUnit !== undefined && parsed.timestamp !== undefined
  // the clock is read only by the steps that need it
  const nowMs = timed || provider.afterVerify ? a.c.clock() : 0
  if (timed) {
    const late = checkTime(a, nowMs)
    if (late !== undefined) return rejected(a, late)
  }
  if (provider.afterVerify) return andThen(runAfterVerify(a, nowMs), afterProviderCheck, a)
  return a
}

/** The signed timestamp against the two-sided tolerance. */
function checkTime(a: Attempt, nowMs: number): Failure | undefined {
  const unit = a.entry.provider.timestampUnit as 's' | 'ms'
  const timestamp = (a.parsed as ParsedSignature).timestamp as number
  return checkTolerance(toMs(timestamp, unit), nowMs, a.c.toleranceMs, a.entry.timeLabel)
}

/** The row's own checks once the MAC holds (UP42 digest and `Date`). */
function runAfterVerify(a: Attempt, nowMs: number): Promise<Failure | AfterVerifyResult | undefined> {
  const afterVerify = a.entry.provider.afterVerify as NonNullable<Provider['afterVerify']>
  // Promise.resolve: a custom row may hand back any thenable
  return Promise.resolve(
    afterVerify({
      request: a.view,
      parsed: a.parsed as ParsedSignature,
      nowMs,
      toleranceMs: a.c.toleranceMs,
      digest: a.c.digest,
      equal: a.c.backend.equal,
    }),
  )
}

function afterProviderCheck(after: Failure | AfterVerifyResult | undefined, a: Attempt): Attempt | Failure {
  if (isFailure(after)) return rejected(a, after)
  a.timestampMs = after?.timestampMs
  return a
}

/** The signature holds: parse the payload, read id and event, build the result, claim the delivery. */
function verified(a: Attempt): Maybe<CheckResult> {
  const { c, view } = a
  if (!c.parseBody || (a.parsed as ParsedSignature).bodyIgnored === true) return delivered(undefined, a)
  const ct = view.header('content-type')
  const out = parsePayload(view.body, typeof ct === 'string' ? ct : ct?.[0], a.entry.provider.formFieldsAreJson === true)
  return andThen(out, parsedPayload, a)
}

function parsedPayload(out: { ok: true; value: unknown } | Failure, a: Attempt): Maybe<CheckResult> {
  return isFailure(out) ? rejected(a, out) : delivered(out.value, a)
}

/** Reads id and event, builds the result, claims the delivery. */
function delivered(payload: unknown, a: Attempt): Maybe<CheckResult> {
  const { c, view } = a
  const provider = a.entry.provider
  let deliveryId: string | undefined
  let event: string | undefined
  try {
    deliveryId = provider.deliveryId?.(view, payload)
    event = provider.event?.(view, payload)
  } catch {
    // a custom row's extractor must not turn a verified delivery into a crash
  }
  const webhook = resultOf(a, payload, deliveryId, event)
  if (c.replay === undefined) return { ok: true, webhook }
  a.webhook = webhook
  // keying and claiming (claim.ts) load with the first delivery a keying verifier verifies
  if (onDemand !== undefined) return onDemand.claim(a, currentMac)
  return loadOnDemand().then((m) => m.claim(a, currentMac))
}

/**
 * The one place a result is built, field by field, unclaimed; the claim step fills in
 * `replayKey`, `complete` and `abort`. `{ ...webhook, replayKey, complete, abort }` would leave
 * V8's fast clone path (spread followed by new keys): about 1.8 µs per request on Node 20, most
 * of a 256 B HMAC.
 */
function resultOf(a: Attempt, payload: unknown, deliveryId: string | undefined, event: string | undefined): VerifiedWebhook {
  const provider = a.entry.provider
  const parsed = a.parsed as ParsedSignature
  const bodyAuthenticated = parsed.bodyAuthenticated !== false
  const timestamp =
    a.timestampMs ??
    (parsed.timestamp === undefined || provider.timestampUnit === undefined ? undefined : toMs(parsed.timestamp, provider.timestampUnit))
  return {
    provider: provider.name,
    event,
    deliveryId,
    timestamp,
    payload,
    rawBody: a.view.body,
    secretIndex: a.secretIndex,
    bodyAuthenticated,
    covered: parsed.covered ?? (bodyAuthenticated ? COVERS_BODY : COVERS_NOTHING),
    replayKey: undefined,
    complete: noop,
    abort: noop,
  }
}

/** The MAC under the current secret: the claim step's key for a delivery an older secret matched. */
function currentMac(a: Attempt): Maybe<Uint8Array> {
  return macOf(a.c, a.entry, a.parsed as ParsedSignature, 0)
}

/** A step's failure, with the provider named and `explain()` hints computed on demand. */
function rejected(a: Attempt, failure: Failure): Failure {
  const { c, entry, view, parsed } = a
  // the Failure shape of fail(), built in one step: this runs for every rejected request
  return {
    ok: false,
    code: failure.code,
    status: failure.status,
    message: failure.message,
    provider: failure.provider || entry.provider.name,
    retryAfter: failure.retryAfter,
    hints: () => diagnose(c, entry, view, parsed, failure),
  }
}

/** Diagnostics are loaded on first use: they are most of the code size and rejections rarely need them. */
async function diagnose(
  c: Compiled,
  entry: Entry,
  view: RequestView,
  parsed: ParsedSignature | undefined,
  failure: Failure,
): Promise<string[]> {
  const state: DiagnoseState = {
    entry,
    view,
    parsed,
    failure,
    toleranceMs: c.toleranceMs,
    nowMs: c.clock(),
    configured: c.configured,
    known: c.known,
  }
  const hints = onDemand ?? (await loadOnDemand())
  return hints.diagnose(c.backend, state)
}
