/**
 * One entry point over every vendor's factory, for code that picks the provider at run time (the
 * CLI, `conformance`). `event` means each vendor's own event name.
 */
import type { FactoryOptions, HttpMethod, MockProvider, UnsignedDelivery } from './delivery.js'
import { designerCloudEvent } from './vendors/designer-cloud.js'
import { githubEvent } from './vendors/github.js'
import { ORCHEST_EVENT_TYPES, type OrchestEventType, orchestEvent } from './vendors/orchest.js'
import { standardWebhooksEvent } from './vendors/standard-webhooks.js'
import { UP42_EVENT_TYPES, type Up42EventType, up42Event } from './vendors/up42.js'
import { XPLENTY_EVENT_TYPES, type XplentyEventType, xplentyEvent } from './vendors/xplenty.js'
import { Y42_ASSETS, type Y42Asset, y42Event } from './vendors/y42.js'

/**
 * The event names `createDelivery` accepts per provider; the first is the default.
 *
 * @example
 * EVENT_TYPES['designer-cloud'] // ['Complete', 'Failed', 'Canceled']
 */
export const EVENT_TYPES: Readonly<Record<MockProvider, readonly string[]>> = Object.freeze({
  y42: Y42_ASSETS.map((asset) => `${asset}.run.finished`),
  up42: UP42_EVENT_TYPES,
  orchest: ['ping', ...ORCHEST_EVENT_TYPES],
  'designer-cloud': ['Complete', 'Failed', 'Canceled'],
  xplenty: ['job.completed', ...XPLENTY_EVENT_TYPES.filter((e) => e !== 'job.completed'), 'ping'],
  github: ['ping', 'push'],
  'standard-webhooks': ['invoice.paid'],
})

/**
 * Options of {@link createDelivery}: the factory options plus the event name.
 *
 * @example
 * const options: CreateDeliveryOptions = { event: 'job.status', seed: 1 }
 * const d = createDelivery('up42', options)
 */
export interface CreateDeliveryOptions extends FactoryOptions {
  /** The vendor's event name (see {@link EVENT_TYPES}); default the first listed. */
  event?: string
  /**
   * The HTTP method: Designer Cloud lets the user pick it (GET and DELETE carry no body); every
   * other vendor POSTs, and another method for them is a `TypeError`.
   */
  method?: HttpMethod
}

/**
 * Builds one unsigned delivery for any provider.
 *
 * @example
 * const d = createDelivery('orchest', { event: 'project:cron-job:run:failed', seed: 'ci' })
 */
export function createDelivery(provider: MockProvider, options: CreateDeliveryOptions = {}): UnsignedDelivery {
  const { event, method, ...common } = options
  if (method !== undefined && method !== 'POST' && provider !== 'designer-cloud') {
    throw new TypeError(`${provider} deliveries are always POST; only designer-cloud takes a method, got ${method}`)
  }
  switch (provider) {
    case 'orchest':
      return orchestEvent({ ...common, type: (event ?? 'ping') as OrchestEventType | 'ping' })
    case 'up42':
      return up42Event({ ...common, event: (event ?? 'job.status') as Up42EventType })
    case 'designer-cloud':
      return designerCloudEvent({
        ...common,
        ...(method === undefined ? {} : { method }),
        ...(event === undefined ? {} : { jobStatus: event }),
      })
    case 'xplenty':
      return xplentyEvent({ ...common, event: (event ?? 'job.completed') as XplentyEventType | 'ping' })
    case 'y42': {
      const asset = (event ?? 'orchestration').replace(/\.run\.finished$/, '') as Y42Asset
      if (!Y42_ASSETS.includes(asset)) throw new TypeError(`unknown Y42 event: ${String(event)}`)
      return y42Event({ ...common, asset })
    }
    case 'github':
      return githubEvent({ ...common, event: (event ?? 'ping') as 'ping' | 'push' })
    case 'standard-webhooks':
      return standardWebhooksEvent({ ...common, ...(event === undefined ? {} : { type: event }) })
    default:
      throw new TypeError(`unknown provider: ${String(provider)}`)
  }
}
