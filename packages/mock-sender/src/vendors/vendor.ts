/**
 * What the mock sender knows about a vendor that the provider row does not: sample events, the
 * body format, the HTTP client's timeout and the retry schedule. The row (signature headers,
 * timestamp, delivery id, `sign`) stays in core's registry; a row with no vendor file here still
 * gets {@link genericVendor}'s delivery, so a user's own `defineProvider` row can be mock-sent.
 */
import type { Provider } from '@hookproof/core'
import { type CreateDeliveryOptions, factoryContext, type HttpMethod, mergeHeaders, type UnsignedDelivery, utf8 } from '../delivery.js'
import { isoSeconds } from '../formats/time.js'
import type { RetryPolicy } from '../wire/retry.js'

/**
 * The sender-only data of one vendor, keyed by its registry name in `vendors/index.ts`.
 *
 * @example
 * const acmeVendor: Vendor = { events: ['ping'], timeoutMs: 10_000, create: (options) => genericVendor(acme).create(options) }
 */
export interface Vendor {
  /** Event names `createDelivery` accepts; the first is the default. */
  readonly events: readonly string[]
  /** The vendor's request timeout, ms. */
  readonly timeoutMs: number
  /** The published retry schedule; absent when the vendor publishes none (never a guess). */
  readonly retry?: RetryPolicy
  /** Methods the vendor may deliver with; default the core row's `methods`, else POST only. */
  readonly methods?: readonly HttpMethod[]
  /** Methods whose signature covers the URL, so it must be known when signing (Designer Cloud GET, DELETE). */
  readonly urlSignedFor?: readonly HttpMethod[]
  /** Builds one unsigned delivery (the event already checked against `events` by the caller). */
  create(options: CreateDeliveryOptions): UnsignedDelivery
}

/** The timeout of a vendor the mock knows nothing about. */
const GENERIC_TIMEOUT_MS = 10_000
const GENERIC_EVENTS: readonly string[] = Object.freeze(['ping'])

/**
 * The delivery of a row without a vendor file: a small JSON body `{id, type, created_at, data}`
 * (`data` from `vendor: { data }`, default `{}`),
 * a delivery id when the row reads one, signed by the row's own `sign` (which adds its id and
 * event headers, as `prefixedHmac` rows do). POST only, no retry schedule, a 10 s timeout.
 *
 * @example
 * const d = genericVendor(acme).create({ seed: 1 })
 * d.deliveryId // a seeded UUID: acme reads a delivery id
 */
export function genericVendor(row: Provider): Vendor {
  return {
    events: GENERIC_EVENTS,
    timeoutMs: GENERIC_TIMEOUT_MS,
    create(options) {
      const { rng, now } = factoryContext(options)
      const id = rng.uuid()
      const event = options.event ?? 'ping'
      const payload = { id, type: event, created_at: isoSeconds(now), data: options.vendor?.data ?? {} }
      const contentType = 'application/json'
      return {
        provider: row.name,
        row,
        method: 'POST',
        ...(options.url === undefined ? {} : { url: options.url }),
        headers: mergeHeaders({ 'Content-Type': contentType }, options.headers),
        body: utf8(JSON.stringify(payload)),
        contentType,
        event,
        ...(row.deliveryId === undefined ? {} : { deliveryId: id }),
        payload,
        createdAt: now,
        timeoutMs: GENERIC_TIMEOUT_MS,
      }
    },
  }
}
