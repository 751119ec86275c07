import { type Provider, type ProviderName, providers } from '@hookproof/core'
import { createRng, type Rng, type Seed } from './formats/random.js'

/**
 * A provider of core's registry: the mock sender speaks for every one of them.
 *
 * @example
 * const provider: MockProvider = 'orchest'
 */
export type MockProvider = ProviderName

/**
 * Every provider of core's registry, in its order (the order docs and tables list them). Not a
 * list of its own: a row added to the registry is here, and gets a delivery, at once.
 *
 * @example
 * for (const provider of MOCK_PROVIDERS) console.log(provider, EVENT_TYPES[provider][0])
 */
export const MOCK_PROVIDERS: readonly MockProvider[] = Object.freeze(Object.keys(providers) as MockProvider[])

/**
 * The HTTP methods a vendor may deliver with (Designer Cloud lets the user pick).
 *
 * @example
 * const d = designerCloudEvent({ method: 'PUT' satisfies HttpMethod })
 */
export type HttpMethod = 'POST' | 'PUT' | 'PATCH' | 'GET' | 'DELETE'

/**
 * One delivery as the vendor would send it, before signing: the exact body bytes and every
 * header except the signature headers, which `signDelivery` adds with core's `sign`.
 *
 * @example
 * const d: UnsignedDelivery = up42Event({ seed: 1 })
 * d.provider // 'up42'
 */
export interface UnsignedDelivery {
  /** The registry name, or the `name` of the user's own row (then in `row`). */
  provider: MockProvider | (string & {})
  /**
   * The provider row that signs this delivery, when it is not the registry's (a user's own
   * `defineProvider` row passed to `createDelivery`); absent for registry providers.
   */
  row?: Provider
  method: HttpMethod
  /** Needed only where the URL is signed (Designer Cloud GET/DELETE); otherwise set at send time. */
  url?: string
  /** Non-signature headers with the vendor's own name casing. */
  headers: Record<string, string>
  /** The exact bytes sent and signed; empty for GET/DELETE. */
  body: Uint8Array
  /** The `Content-Type` header value, if the vendor sends one. */
  contentType?: string
  /** The event type, e.g. `project:one-off-job:pipeline-run:failed`, `job.status`, `ping`. */
  event: string
  /** The vendor's delivery id (dedup key), when it has one; retries reuse it. */
  deliveryId?: string
  /** The value the body was built from (before encoding), for assertions in tests. */
  payload?: unknown
  /** When the event happened, in ms since the epoch; signing defaults its clock to this. */
  createdAt: number
  /** The vendor's request timeout in ms. */
  timeoutMs: number
  /**
   * How `timeoutMs` applies. `'overall'` (default): one deadline for the whole exchange.
   * `'connect-and-read'`: Python requests' `timeout=`, as Orchest sends: at most `timeoutMs` to
   * connect, then at most `timeoutMs` of silence at a time, with no bound on the whole response.
   */
  timeoutMode?: TimeoutMode
  /**
   * Header names (any case) in the order the vendor's HTTP client writes them, `Host` and
   * `Content-Length` included, where that order is fixed (Orchest: Python's http.client).
   * Headers not listed follow, in their own order.
   */
  headerOrder?: readonly string[]
}

/**
 * How a delivery's timeout applies; see {@link UnsignedDelivery.timeoutMode}.
 *
 * @example
 * const mode: TimeoutMode = orchestPing().timeoutMode ?? 'overall' // 'connect-and-read'
 */
export type TimeoutMode = 'overall' | 'connect-and-read'

/**
 * Options every factory takes.
 *
 * @example
 * const options: FactoryOptions = { seed: 'ci', now: new Date('2024-01-01T00:00:00Z'), headers: { 'User-Agent': undefined } }
 * const d = y42Event(options)
 */
export interface FactoryOptions {
  /** Makes every generated id reproducible. Without `now`, a seed also fixes the clock at {@link SEEDED_NOW}. */
  seed?: Seed
  /** Event time, ms since the epoch or a `Date`. Default: `Date.now()`, or {@link SEEDED_NOW} with a seed. */
  now?: number | Date
  /** Extra headers, or replacements for the vendor's (matched case-insensitively); `undefined` removes one. */
  headers?: Record<string, string | undefined>
  /** The receiver URL, when known at creation time. */
  url?: string
}

/**
 * Options of `createDelivery`: the factory options plus the event name and method.
 *
 * @example
 * const options: CreateDeliveryOptions = { event: 'job.status', seed: 1 }
 * const d = createDelivery('up42', options)
 */
export interface CreateDeliveryOptions extends FactoryOptions {
  /** The vendor's event name (see `EVENT_TYPES`); default the first listed. */
  event?: string
  /**
   * The HTTP method: Designer Cloud lets the user pick it (GET and DELETE carry no body); every
   * other vendor POSTs, and another method for them is a `TypeError`.
   */
  method?: HttpMethod
  /**
   * Options of the vendor's own factory, passed through: Orchest `contentType`, `deliveredFor`,
   * `keyOrder`; Designer Cloud `template`, `jobId`, `contentType`; UP42 `status`; Xplenty
   * `accountId`; Y42 `status`, `space`, `name`; GitHub `repository`; Standard Webhooks `data`, `id`;
   * and `overrides` (a deep partial of the body) for most. The package README lists them.
   */
  vendor?: Readonly<Record<string, unknown>>
}

/**
 * The clock of seeded factories without `now`: 2023-11-14T22:13:20Z, the vectors' instant.
 *
 * @example
 * orchestPing({ seed: 1 }).createdAt === SEEDED_NOW // true
 */
export const SEEDED_NOW = 1_700_000_000_000

/** @internal what each factory derives from {@link FactoryOptions}. */
export interface FactoryContext {
  rng: Rng
  now: number
}

/** @internal */
export function factoryContext(options: FactoryOptions): FactoryContext {
  const now = options.now instanceof Date ? options.now.getTime() : (options.now ?? (options.seed === undefined ? Date.now() : SEEDED_NOW))
  if (!Number.isFinite(now)) throw new TypeError('now must be a finite number of ms or a valid Date')
  return { rng: createRng(options.seed), now }
}

/** @internal vendor headers with the caller's replacements applied, names compared case-insensitively. */
export function mergeHeaders(base: Record<string, string>, extra: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = { ...base }
  for (const [name, value] of Object.entries(extra ?? {})) {
    for (const existing of Object.keys(out)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete out[existing]
    }
    if (value !== undefined) out[name] = value
  }
  return out
}

const encoder = new TextEncoder()

/** @internal */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/**
 * The body as text (UTF-8), for logs and assertions.
 *
 * @example
 * bodyText(orchestEvent({ seed: 1 })).startsWith('{"delivered_for": ') // true
 */
export function bodyText(delivery: Pick<UnsignedDelivery, 'body'>): string {
  return new TextDecoder().decode(delivery.body)
}

/**
 * @internal The row that signs `delivery`: its own `row`, else the registry's of that name.
 * @throws {TypeError} for a name the registry does not have.
 */
export function rowOf(delivery: Pick<UnsignedDelivery, 'provider' | 'row'>): Provider {
  if (delivery.row !== undefined) return delivery.row
  const row = (providers as Readonly<Record<string, Provider>>)[delivery.provider]
  if (row === undefined) throw new TypeError(`unknown provider ${String(delivery.provider)}; one of ${MOCK_PROVIDERS.join(', ')}`)
  return row
}
