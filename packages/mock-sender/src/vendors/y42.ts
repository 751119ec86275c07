/**
 * Y42 status alerts (integrations, models, exports, SQL models, orchestrations). Y42 publishes no
 * payload schema: these bodies are illustrative, shaped like the `y42-json` vector in VENDORS.md.
 *
 * @see https://docs.y42.com/docs/webhooks-1
 */
import { type FactoryOptions, factoryContext, mergeHeaders, type UnsignedDelivery, utf8 } from '../delivery.js'
import { applyOverrides } from '../formats/overrides.js'
import { isoSeconds } from '../formats/time.js'
import type { Vendor } from './vendor.js'

/**
 * The kind of Y42 asset an alert is about.
 *
 * @example
 * const asset: Y42Asset = 'sql_model'
 * y42Event({ asset }).event // 'sql_model.run.finished'
 */
export type Y42Asset = 'orchestration' | 'integration' | 'model' | 'sql_model' | 'export'
/**
 * The outcome a Y42 alert reports.
 *
 * @example
 * const status: Y42Status = 'partial_success'
 * y42Event({ status })
 */
export type Y42Status = 'success' | 'failed' | 'partial_success'

/**
 * Every Y42 asset kind the mock can alert about.
 *
 * @example
 * Y42_ASSETS.map((asset) => `${asset}.run.finished`) // the y42 event names of createDelivery
 */
export const Y42_ASSETS: readonly Y42Asset[] = Object.freeze(['orchestration', 'integration', 'model', 'sql_model', 'export'])

/**
 * Options of {@link y42Event}.
 *
 * @example
 * const options: Y42EventOptions = { asset: 'integration', status: 'failed', space: 'acme-analytics', name: 'hubspot_sync' }
 * const d = y42Event(options)
 */
export interface Y42EventOptions extends FactoryOptions {
  /** Default `orchestration`. */
  asset?: Y42Asset
  /** Default `failed` (alerts are mostly about failures). */
  status?: Y42Status
  /** Default `acme-analytics`. */
  space?: string
  /** The asset's name; default `daily_build`. */
  name?: string
  /** Overrides for the body (e.g. `run_id`, `finished_at`). */
  overrides?: Record<string, unknown>
}

/**
 * Y42's timeout is not published; the mock uses 10 s.
 *
 * @example
 * y42Event().timeoutMs === Y42_TIMEOUT_MS // true
 */
export const Y42_TIMEOUT_MS = 10_000

/**
 * Builds one unsigned Y42 status alert.
 *
 * @example
 * const d = y42Event({ asset: 'model', status: 'success', seed: 1 })
 * d.event // 'model.run.finished'
 */
export function y42Event(options: Y42EventOptions = {}): UnsignedDelivery {
  const { rng, now } = factoryContext(options)
  const asset = options.asset ?? 'orchestration'
  const event = `${asset}.run.finished`
  const body = applyOverrides<Record<string, unknown>>(
    {
      event,
      status: options.status ?? 'failed',
      space: options.space ?? 'acme-analytics',
      [asset]: options.name ?? 'daily_build',
      run_id: rng.uuid(),
      finished_at: isoSeconds(now),
    },
    options.overrides,
  )
  const contentType = 'application/json'
  return {
    provider: 'y42',
    method: 'POST',
    ...(options.url === undefined ? {} : { url: options.url }),
    headers: mergeHeaders({ 'Content-Type': contentType }, options.headers),
    body: utf8(JSON.stringify(body)),
    contentType,
    event: String(body.event ?? event),
    payload: body,
    createdAt: now,
    timeoutMs: Y42_TIMEOUT_MS,
  }
}

/**
 * Y42 as the mock sends it: one `<asset>.run.finished` event per asset kind; no published retry.
 *
 * @example
 * y42Vendor.create({ event: 'model.run.finished', seed: 1 }).event // 'model.run.finished'
 */
export const y42Vendor: Vendor = {
  events: Y42_ASSETS.map((asset) => `${asset}.run.finished`),
  timeoutMs: Y42_TIMEOUT_MS,
  create({ event, method: _method, vendor, ...common }) {
    const asset = (event ?? 'orchestration').replace(/\.run\.finished$/, '') as Y42Asset
    if (!Y42_ASSETS.includes(asset)) throw new TypeError(`unknown Y42 event: ${String(event)}`)
    return y42Event({ ...vendor, ...common, asset })
  },
}
