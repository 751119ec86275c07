// The mock sender's provider-specific data derives from core's registry: one list, the rows.
import { providers } from '@hookproof/core'
import { describe, expect, it } from 'vitest'
import { bodyText, MOCK_PROVIDERS } from '../src/delivery.js'
import { createDelivery, EVENT_TYPES } from '../src/events.js'
import { rowFacts } from '../src/faults/scope.js'
import { retryPolicy, vendorOf } from '../src/vendors/index.js'

describe('derived from the registry', () => {
  it('MOCK_PROVIDERS and EVENT_TYPES have exactly the registry names, in its order', () => {
    expect(MOCK_PROVIDERS).toEqual(Object.keys(providers))
    expect(Object.keys(EVENT_TYPES)).toEqual(Object.keys(providers))
  })

  it('a copy of a registry row is not the registry row: it gets the generic delivery, signed by its own sign', () => {
    const copy = { ...providers.github }
    const d = createDelivery(copy, { seed: 1 })
    expect(d.row).toBe(copy)
    expect(JSON.parse(bodyText(d))).toMatchObject({ type: 'ping', data: {} })
    expect(createDelivery('github', { seed: 1 }).row).toBeUndefined()
  })

  it('row facts: signed time read from the signature, dedup from deliveryId / dedupFallback', async () => {
    expect(await rowFacts(providers.up42)).toEqual({ signsTimestamp: true, dedupKey: true })
    expect(await rowFacts(providers.orchest)).toEqual({ signsTimestamp: false, dedupKey: true })
    expect(await rowFacts(providers.xplenty)).toEqual({ signsTimestamp: false, dedupKey: false })
  })

  it('an unknown name is a TypeError listing the registry', () => {
    expect(() => createDelivery('acme' as never)).toThrow(/unknown provider: acme; one of y42, up42, orchest/)
    expect(() => vendorOf('acme')).toThrow(TypeError)
  })

  it('a generic vendor publishes no retry schedule', () => {
    expect(() => retryPolicy({ ...providers.y42 }, 'vendor')).toThrow(/y42 publishes no retry policy/)
  })
})

describe('createDelivery(provider, { vendor }) passes the vendor factory’s own options', () => {
  it('Orchest form body', () => {
    const d = createDelivery('orchest', { seed: 1, vendor: { contentType: 'application/x-www-form-urlencoded' } })
    expect(d.contentType).toBe('application/x-www-form-urlencoded')
    expect(bodyText(d)).toMatch(/^delivered_for=/)
  })

  it('Designer Cloud template and job id', () => {
    const d = createDelivery('designer-cloud', { event: 'Failed', vendor: { template: 'job=$jobId&s=$jobStatus', jobId: 7 } })
    expect(bodyText(d)).toBe('job=7&s=Failed')
  })

  it('the generic delivery’s data', () => {
    const d = createDelivery({ ...providers.y42 }, { seed: 1, vendor: { data: { n: 1 } } })
    expect(JSON.parse(bodyText(d)).data).toEqual({ n: 1 })
  })
})
