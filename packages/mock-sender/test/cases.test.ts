import { createVerifier, MemoryReplayStore, providers } from '@hookproof/core'
import { describe, expect, it } from 'vitest'
import { bodyText, MOCK_PROVIDERS, type MockProvider } from '../src/delivery.js'
import { createDelivery } from '../src/events.js'
import { buildCase } from '../src/faults/cases.js'
import { statusMatches } from '../src/faults/expect.js'
import { FAULTS, faultApplies } from '../src/faults/faults.js'
import {
  defaultWrongSecret,
  malformSignature,
  malformSignatureValue,
  signatureSpan,
  tamperBody,
  tamperSignature,
  tamperSignatureValue,
} from '../src/faults/tamper.js'
import { signDelivery } from '../src/sign.js'
import { designerCloudEvent } from '../src/vendors/designer-cloud.js'
import { orchestPing } from '../src/vendors/orchest.js'

const NOW = 1_750_000_000_000
/** The providers of 2026-12 whose signature covers a time (true) or not (false), as VENDORS.md 3.4 says. */
// providers-list: the expectation, written apart from the derivation it checks
const EXPECTED_TIME: Record<string, boolean> = {
  y42: false,
  up42: true,
  orchest: false,
  'designer-cloud': true,
  xplenty: false,
  github: false,
  'standard-webhooks': true,
}
const SPECIAL: Partial<Record<MockProvider, { current: string; previous: string }>> = {
  github: { current: "It's a Secret to Everybody", previous: 'old secret' },
  'standard-webhooks': {
    current: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    previous: 'whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX',
  },
}
// every registry provider, a new row included without an edit here
const SECRETS = Object.fromEntries(
  MOCK_PROVIDERS.map((p) => [p, SPECIAL[p] ?? { current: `${p}-current`, previous: `${p}-previous` }]),
) as Record<MockProvider, { current: string; previous: string }>

describe('fault value helpers', () => {
  it.each<[string, number, string]>([
    ['sha256=757107ea', 7, 'sha256=057107ea'],
    ['t=1700000000000,sha256=d278', 23, 't=1700000000000,sha256=0278'],
    ['up42-sig=tWdkN0TG=', 9, 'up42-sig=0WdkN0TG='],
    ['v1,g0hM9SsE', 3, 'v1,00hM9SsE'],
    ['013a0a24', 0, '113a0a24'],
  ])('tamperSignatureValue(%s, %i) is %s', (input, start, expected) => {
    expect(tamperSignatureValue(input, start)).toBe(expected)
  })

  it.each<[string, number, number, string]>([
    ['sha256=757107ea', 7, 15, 'sha256=!not-hex-or-base64!'],
    ['t=1,sha256=d278', 11, 15, 't=1,sha256=!not-hex-or-base64!'],
    ['013a0a24', 0, 8, '!not-hex-or-base64!'],
    ['up42-sig=:tWdk:', 10, 14, 'up42-sig=:!not-hex-or-base64!:'],
  ])('malformSignatureValue(%s, %i, %i) is %s', (input, start, end, expected) => {
    expect(malformSignatureValue(input, start, end)).toBe(expected)
  })

  it('tamperBody changes exactly the last letter or digit and leaves the input alone', () => {
    const body = new TextEncoder().encode('{"a": "xyz"}')
    expect(new TextDecoder().decode(tamperBody(body))).toBe('{"a": "xya"}')
    expect(new TextDecoder().decode(body)).toBe('{"a": "xyz"}')
    expect(new TextDecoder().decode(tamperBody(new TextEncoder().encode('[9]')))).toBe('[0]')
  })

  it('defaultWrongSecret keeps a whsec_ key well-formed', () => {
    expect(defaultWrongSecret('abc')).toBe('abc-wrong')
    expect(defaultWrongSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe('whsec_WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa')
  })
})

describe('buildCase()', () => {
  it('refuses a fault that does not apply, and rotated-secret without previousSecret', async () => {
    await expect(buildCase(orchestPing(), 'stale-timestamp', { secret: 's' })).rejects.toThrow(/does not apply/)
    await expect(buildCase(orchestPing(), 'rotated-secret', { secret: 's' })).rejects.toThrow(/previousSecret/)
    await expect(
      buildCase(designerCloudEvent({ method: 'DELETE', url: 'https://x.example/' }), 'tampered-body', { secret: 's' }),
    ).rejects.toThrow(/does not apply/)
  })

  it('reserialized-body sends the JSON.stringify form of the Orchest body under the original signature', async () => {
    const c = await buildCase(orchestPing({ seed: 1 }), 'reserialized-body', { secret: 's', now: NOW })
    const [request] = c.requests
    expect(bodyText(request!)).toMatch(/^\{"delivered_for":\{"name":"Test webhook","verify_ssl":false,/)
  })

  it('duplicate cases send two identical requests', async () => {
    const c = await buildCase(orchestPing({ seed: 1 }), 'concurrent-duplicate', { secret: 's', now: NOW })
    expect(c.requests).toHaveLength(2)
    expect(c.concurrent).toBe(true)
    expect(bodyText(c.requests[0]!)).toBe(bodyText(c.requests[1]!))
    expect(c.requests[0]!.headers).toEqual(c.requests[1]!.headers)
  })
})

// Every applicable case of every provider, checked by core's verifier configured as a correct
// receiver would be: [current, previous] secrets, 300 s tolerance, a replay store.
describe.each(MOCK_PROVIDERS)('buildCase() for %s against core’s verifier', (provider) => {
  const { current, previous } = SECRETS[provider]
  const delivery = createDelivery(provider, { seed: `cases-${provider}`, now: NOW, url: 'https://receiver.example/hook' })
  const verifier = () => createVerifier({ provider, secrets: [current, previous], now: () => NOW, replayStore: new MemoryReplayStore() })
  const input = (r: { body: Uint8Array; headers: Record<string, string>; method: string; url?: string }) => ({
    body: r.body,
    headers: r.headers,
    method: r.method,
    ...(r.url === undefined ? {} : { url: r.url }),
  })

  it('the valid case is accepted', async () => {
    const c = await buildCase(delivery, 'valid', { secret: current, now: NOW })
    const result = await verifier().check(input(c.requests[0]!))
    expect(result.ok ? 'ok' : `${result.code}: ${result.message}`).toBe('ok')
  })

  it.each(FAULTS.filter((f) => f.requests === 1).map((f) => [f.name, f] as const))('%s gets the fault’s answer', async (_, fault) => {
    if (!(await faultApplies(fault, delivery))) return
    const c = await buildCase(delivery, fault.name, { secret: current, previousSecret: previous, now: NOW })
    const result = await verifier().check(input(c.requests[0]!))
    const expected = fault.expect[0]!
    if (expected.status === '2xx') {
      expect(result.ok ? 'ok' : `${result.code}: ${result.message}`).toBe('ok')
    } else {
      expect(result.ok).toBe(false)
      if (!result.ok) {
        expect(result.code).toBe(expected.code)
        // hookproof's own answer is in the class the fault calls for
        expect(statusMatches(expected, result.status)).toBe(true)
      }
    }
  })

  it('timestamp faults apply exactly where core’s verifier rejects a delivery signed an hour ago', async () => {
    // the oracle is the verifier, not the mock's own scope logic: a row that checks a signed time
    // answers TIMESTAMP_TOO_OLD, any other accepts the old delivery
    const old = await signDelivery(delivery, { secret: current, now: NOW - 3_600_000 })
    const result = await verifier().check(input(old))
    const signsTime = !result.ok && result.code === 'TIMESTAMP_TOO_OLD'
    expect(result.ok || signsTime, result.ok ? 'ok' : result.code).toBe(true)
    expect(await faultApplies('stale-timestamp', delivery)).toBe(signsTime)
    expect(await faultApplies('future-timestamp', delivery)).toBe(signsTime)
  })

  it('the built-in rows that sign a time are UP42, Designer Cloud and Standard Webhooks', async () => {
    const expected = EXPECTED_TIME[provider]
    if (expected === undefined) return // a row added after this list: the test above covers it
    expect(await faultApplies('stale-timestamp', delivery)).toBe(expected)
  })

  it('the signature is found in the header the row signs, and tampering changes one character of it', async () => {
    const row = providers[provider]
    const signed = await signDelivery(delivery, { secret: current, now: NOW })
    const span = signatureSpan(row, signed)
    expect(row.signatureHeaders).toContain(span.header.toLowerCase())
    expect(span.end - span.start).toBeGreaterThanOrEqual(27) // a 20-byte MAC is 27 base64 or 40 hex digits
    const tampered = tamperSignature(row, signed)
    const before = signed.headers[span.header] as string
    const after = tampered.headers[span.header] as string
    expect(after).toHaveLength(before.length)
    expect([...after].filter((c, i) => c !== before[i])).toHaveLength(1)
    expect(malformSignature(row, signed).headers[span.header]).toContain('!not-hex-or-base64!')
  })
})
