/**
 * The vendor files, keyed by registry name. Only names of core's registry may appear (the
 * compiler checks it); a registry row missing here, or a user's own row, gets the generic
 * delivery of `vendor.ts`. Nothing else in the mock sender lists providers.
 */
import { type Provider, type ProviderName, providers } from '@hookproof/core'
import { type HttpMethod, MOCK_PROVIDERS, type MockProvider } from '../delivery.js'
import { type RetryOption, type RetryPolicy, resolveRetry } from '../wire/retry.js'
import { designerCloudVendor } from './designer-cloud.js'
import { githubVendor } from './github.js'
import { orchestVendor } from './orchest.js'
import { standardWebhooksVendor } from './standard-webhooks.js'
import { up42Vendor } from './up42.js'
import { genericVendor, type Vendor } from './vendor.js'
import { xplentyVendor } from './xplenty.js'
import { y42Vendor } from './y42.js'

const VENDORS: Readonly<Partial<Record<ProviderName, Vendor>>> = Object.freeze({
  y42: y42Vendor,
  up42: up42Vendor,
  orchest: orchestVendor,
  'designer-cloud': designerCloudVendor,
  xplenty: xplentyVendor,
  github: githubVendor,
  'standard-webhooks': standardWebhooksVendor,
} satisfies Partial<Record<ProviderName, Vendor>>)

const registry = providers as Readonly<Record<string, Provider>>
const vendors = new WeakMap<Provider, Vendor>()

/**
 * @internal The row and the vendor data for a registry name or a row. A registry row gets its
 * vendor file when it has one; any other row (a user's own, or one without a file) the generic one.
 * @throws {TypeError} naming the providers for an unknown name.
 */
export function vendorOf(provider: MockProvider | Provider | (string & {})): { row: Provider; vendor: Vendor } {
  const row = typeof provider === 'string' ? registry[provider] : provider
  // a row is an object, or a function when it takes switches (github({ allowLegacySha1 }))
  if (row === undefined || (typeof row !== 'object' && typeof row !== 'function')) {
    throw new TypeError(`unknown provider: ${String(provider)}; one of ${MOCK_PROVIDERS.join(', ')}`)
  }
  let vendor = vendors.get(row)
  if (vendor === undefined) {
    const own = registry[row.name] === row ? VENDORS[row.name as ProviderName] : undefined
    const base = own ?? genericVendor(row)
    // the methods a vendor sends with are the row's (core's registry), unless the vendor file says otherwise
    vendor = base.methods === undefined && row.methods !== undefined ? { ...base, methods: row.methods as readonly HttpMethod[] } : base
    vendors.set(row, vendor)
  }
  return { row, vendor }
}

/**
 * The policy a `retry` option stands for, for this provider: `'vendor'` is the vendor file's
 * published schedule.
 *
 * @example
 * retryPolicy('orchest', 'vendor').delayMs(2) // 4000
 * retryPolicy('y42', { retries: 2, delayMs: 10 }).maxAttempts // 3
 * @throws {TypeError} for `'vendor'` when the vendor publishes no policy, or a bad `retries`.
 */
export function retryPolicy(provider: MockProvider | Provider | (string & {}), option: RetryOption = 'none'): RetryPolicy {
  const { row, vendor } = vendorOf(provider)
  return resolveRetry(row.name, vendor.retry, option)
}

/**
 * @internal The published schedule per registry provider (`undefined` where none is published).
 */
export function vendorRetries(): Readonly<Record<MockProvider, RetryPolicy | undefined>> {
  return Object.fromEntries(MOCK_PROVIDERS.map((name) => [name, vendorOf(name).vendor.retry])) as Record<
    MockProvider,
    RetryPolicy | undefined
  >
}
