/**
 * Standard Webhooks deliveries (reference scheme): `webhook-id` (`msg_…`) and a JSON body
 * `{type, timestamp, data}`; `webhook-timestamp` and `webhook-signature` come from signing.
 *
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { type FactoryOptions, factoryContext, mergeHeaders, type UnsignedDelivery, utf8 } from '../delivery.js'
import { applyOverrides } from '../formats/overrides.js'
import { isoMillis } from '../formats/time.js'
import type { Vendor } from './vendor.js'

/**
 * Options of {@link standardWebhooksEvent}.
 *
 * @example
 * const options: StandardWebhooksEventOptions = { type: 'user.created', data: { id: 'usr_1' }, id: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' }
 * const d = standardWebhooksEvent(options)
 */
export interface StandardWebhooksEventOptions extends FactoryOptions {
  /** The event type in the body; default `invoice.paid`. */
  type?: string
  /** `data` of the body; default a small illustrative object. */
  data?: Record<string, unknown>
  /** `webhook-id`; default `msg_` + 24 (seeded) alphanumerics. */
  id?: string
  /** Overrides for the whole body. */
  overrides?: Record<string, unknown>
}

/**
 * The spec recommends short timeouts; the mock uses 15 s.
 *
 * @example
 * standardWebhooksEvent().timeoutMs === STANDARD_WEBHOOKS_TIMEOUT_MS // true
 */
export const STANDARD_WEBHOOKS_TIMEOUT_MS = 15_000

/**
 * Builds one unsigned Standard Webhooks delivery.
 *
 * @example
 * standardWebhooksEvent({ seed: 1 }).headers['webhook-id'].startsWith('msg_') // true
 */
export function standardWebhooksEvent(options: StandardWebhooksEventOptions = {}): UnsignedDelivery {
  const { rng, now } = factoryContext(options)
  const id = options.id ?? `msg_${rng.alnum(24)}`
  const type = options.type ?? 'invoice.paid'
  const body = applyOverrides<Record<string, unknown>>(
    {
      type,
      timestamp: isoMillis(now),
      data: options.data ?? { id: `inv_${rng.alnum(14)}`, amount: 4200, currency: 'eur' },
    },
    options.overrides,
  )
  const contentType = 'application/json'
  return {
    provider: 'standard-webhooks',
    method: 'POST',
    ...(options.url === undefined ? {} : { url: options.url }),
    headers: mergeHeaders({ 'content-type': contentType, 'webhook-id': id }, options.headers),
    body: utf8(JSON.stringify(body)),
    contentType,
    event: String(body.type ?? type),
    deliveryId: id,
    payload: body,
    createdAt: now,
    timeoutMs: STANDARD_WEBHOOKS_TIMEOUT_MS,
  }
}

/**
 * Standard Webhooks as the mock sends it: any event type (default `invoice.paid`); the spec
 * leaves the retry schedule to each sender.
 *
 * @example
 * standardWebhooksVendor.create({ event: 'user.created', seed: 1 }).event // 'user.created'
 */
export const standardWebhooksVendor: Vendor = {
  events: ['invoice.paid'],
  timeoutMs: STANDARD_WEBHOOKS_TIMEOUT_MS,
  create: ({ event, method: _method, vendor, ...common }) =>
    standardWebhooksEvent({ ...vendor, ...common, ...(event === undefined ? {} : { type: event }) }),
}
