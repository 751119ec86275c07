/**
 * One entry point over every vendor's factory, for code that picks the provider at run time (the
 * CLI, `conformance`). `event` means each vendor's own event name. Providers come from core's
 * registry; the vendor data from `vendors/`.
 */
import type { Provider } from '@hookproof/core'
import { type CreateDeliveryOptions, MOCK_PROVIDERS, type MockProvider, type UnsignedDelivery } from './delivery.js'
import { vendorOf } from './vendors/index.js'

/**
 * The event names `createDelivery` accepts per registry provider; the first is the default.
 *
 * @example
 * EVENT_TYPES['designer-cloud'] // ['Complete', 'Failed', 'Canceled']
 */
export const EVENT_TYPES: Readonly<Record<MockProvider, readonly string[]>> = Object.freeze(
  Object.fromEntries(MOCK_PROVIDERS.map((name) => [name, vendorOf(name).vendor.events])) as Record<MockProvider, readonly string[]>,
)

/**
 * Builds one unsigned delivery for a registry provider, or for a row of your own
 * (`defineProvider`): a row without vendor data gets a JSON body `{id, type, created_at, data}`
 * with a delivery id when it reads one, and is signed by its own `sign`.
 *
 * @example
 * const d = createDelivery('orchest', { event: 'project:cron-job:run:failed', seed: 'ci' })
 * const mine = createDelivery(acme, { seed: 1 }) // acme = defineProvider({ ... })
 * @throws {TypeError} for an unknown provider or event, or a method the vendor never uses.
 */
export function createDelivery(provider: MockProvider | Provider, options: CreateDeliveryOptions = {}): UnsignedDelivery {
  const { row, vendor } = vendorOf(provider)
  const methods = vendor.methods ?? ['POST']
  if (options.method !== undefined && !methods.includes(options.method)) {
    throw new TypeError(`${row.name} deliveries are always ${methods.join(' or ')}; got ${options.method}`)
  }
  return vendor.create(options)
}
