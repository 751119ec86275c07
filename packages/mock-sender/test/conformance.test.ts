import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCase } from '../src/cases.js'
import { conformance, formatReport, judgeCase, responseCode } from '../src/conformance.js'
import { MOCK_PROVIDERS } from '../src/delivery.js'
import { createDelivery } from '../src/events.js'
import { FAULTS, faultsFor } from '../src/faults.js'
import { startReceiver, TEST_SECRETS, type TestReceiver } from './receiver.js'

let receiver: TestReceiver
let lax: TestReceiver // processes duplicates twice: no replay store
let wrongAnswers: TestReceiver // its handler answers 500: the valid case must fail

beforeAll(async () => {
  ;[receiver, lax, wrongAnswers] = await Promise.all([
    startReceiver(),
    startReceiver({ dedup: false }),
    startReceiver({ handlerStatus: 500 }),
  ])
})
afterAll(async () => {
  await Promise.all([receiver.close(), lax.close(), wrongAnswers.close()])
})

describe.each(MOCK_PROVIDERS)('conformance() against a correct %s receiver over HTTP', (provider) => {
  const { current, previous } = TEST_SECRETS[provider]

  it('runs the valid case and every applicable fault, all ok, handler runs counted', async () => {
    const report = await conformance(`${receiver.url}/webhooks/${provider}`, {
      provider,
      secret: current,
      previousSecret: previous,
      counterUrl: `${receiver.url}/handled`,
    })
    expect(report.cases.map((c) => c.name)).toEqual(['valid', ...faultsFor(provider).map((f) => f.name)])
    expect(report.skipped).toEqual([])
    const failures = report.cases.filter((c) => !c.ok).map((c) => `${c.name}: ${c.actual} (${c.note})`)
    expect(failures).toEqual([])
    expect(report.ok).toBe(true)
    for (const c of report.cases) expect(c.handlerCalls?.actual).toBe(c.handlerCalls?.expected)
  })
})

describe('conformance() verdicts', () => {
  it('reports rejection codes from the problem+json body', async () => {
    const report = await conformance(`${receiver.url}/webhooks/designer-cloud`, {
      provider: 'designer-cloud',
      secret: TEST_SECRETS['designer-cloud'].current,
      cases: ['stale-timestamp', 'malformed-signature'],
    })
    expect(report.cases.map((c) => [c.name, c.expected, c.actual])).toEqual([
      ['stale-timestamp', '401 TIMESTAMP_TOO_OLD', '401 TIMESTAMP_TOO_OLD'],
      ['malformed-signature', '400 MALFORMED_SIGNATURE', '400 MALFORMED_SIGNATURE'],
    ])
    expect(report.counted).toBe(false)
    expect(report.cases[0]?.handlerCalls).toEqual({ expected: 0, actual: 'not observable' })
  })

  it('skips rotated-secret without a previous secret and says why', async () => {
    const report = await conformance(`${receiver.url}/webhooks/github`, {
      provider: 'github',
      secret: TEST_SECRETS.github.current,
    })
    expect(report.skipped).toEqual([{ name: 'rotated-secret', reason: expect.stringMatching(/previous secret/) }])
    expect(report.ok).toBe(true)
    expect(formatReport(report)).toMatch(/skipped: rotated-secret/)
  })

  it.each(['duplicate', 'concurrent-duplicate'] as const)('a receiver without dedup fails %s with "processed twice"', async (name) => {
    const report = await conformance(`${lax.url}/webhooks/orchest`, {
      provider: 'orchest',
      secret: TEST_SECRETS.orchest.current,
      counterUrl: `${lax.url}/handled`,
      cases: ['valid', name],
    })
    expect(report.cases[0]?.ok).toBe(true)
    const dup = report.cases[1]
    expect(dup?.ok).toBe(false)
    expect(dup?.note).toBe('processed twice')
    expect(dup?.handlerCalls).toEqual({ expected: 1, actual: 2 })
    expect(report.ok).toBe(false)
    expect(formatReport(report)).toMatch(/FAIL: processed twice/)
  })

  it('without a counter, a concurrent duplicate answered 202 + 202 still fails on status', async () => {
    const report = await conformance(`${lax.url}/webhooks/github`, {
      provider: 'github',
      secret: TEST_SECRETS.github.current,
      cases: ['concurrent-duplicate'],
    })
    // 202 + 202 matches neither order of [2xx, 409/200]
    expect(report.cases[0]?.ok).toBe(false)
    expect(report.cases[0]?.actual).toBe('202 + 202')
  })

  it('without a counter, a duplicate answered 200 twice without DUPLICATE_DELIVERY gets a caveat', async () => {
    const laxOk = await startReceiver({ dedup: false, handlerStatus: 200 })
    try {
      const report = await conformance(`${laxOk.url}/webhooks/github`, {
        provider: 'github',
        secret: TEST_SECRETS.github.current,
        cases: ['duplicate'],
      })
      expect(report.cases[0]).toMatchObject({ actual: '200, then 200', note: expect.stringMatching(/maybe processed twice/) })
      expect(formatReport(report)).toMatch(/note: duplicate: maybe processed twice/)
      // with the counter it is a failure
      const counted = await conformance(`${laxOk.url}/webhooks/github`, {
        provider: 'github',
        secret: TEST_SECRETS.github.current,
        cases: ['duplicate'],
        counterUrl: `${laxOk.url}/handled`,
      })
      expect(counted.cases[0]).toMatchObject({ ok: false, note: 'processed twice' })
    } finally {
      await laxOk.close()
    }
  })

  it('a handler answering 500 fails the valid case, and the rejections still pass', async () => {
    const report = await conformance(`${wrongAnswers.url}/webhooks/y42`, {
      provider: 'y42',
      secret: TEST_SECRETS.y42.current,
      cases: ['valid', 'tampered-body'],
    })
    expect(report.cases.map((c) => [c.name, c.actual, c.ok])).toEqual([
      ['valid', '500', false],
      ['tampered-body', '401 SIGNATURE_MISMATCH', true],
    ])
  })

  it('a delivery sent to the wrong provider route fails the valid case', async () => {
    // the wrong route: /webhooks/github verifies GitHub, so an Orchest delivery is a missing signature
    const report = await conformance(`${receiver.url}/webhooks/github`, {
      provider: 'orchest',
      secret: TEST_SECRETS.orchest.current,
      cases: ['valid', 'missing-signature'],
    })
    expect(report.cases[0]).toMatchObject({ name: 'valid', actual: '401 MISSING_SIGNATURE', ok: false })
    expect(report.cases[1]).toMatchObject({ name: 'missing-signature', ok: true })
  })

  it('runs cases concurrently when asked and there is no counter', async () => {
    const report = await conformance(`${receiver.url}/webhooks/standard-webhooks`, {
      provider: 'standard-webhooks',
      secret: TEST_SECRETS['standard-webhooks'].current,
      previousSecret: TEST_SECRETS['standard-webhooks'].previous,
      concurrency: 4,
    })
    expect(report.cases.map((c) => c.name)).toEqual(['valid', ...faultsFor('standard-webhooks').map((f) => f.name)])
    expect(report.ok).toBe(true)
  })

  it('an unreachable URL gives "no answer" cases, not an exception', async () => {
    const report = await conformance('http://127.0.0.1:9/webhooks/github', {
      provider: 'github',
      secret: 's',
      cases: ['valid'],
    })
    expect(report.cases[0]).toMatchObject({ ok: false, actual: 'no answer (ECONNREFUSED)', note: 'no answer' })
  })

  it('refuses a URL that is not http(s) before sending anything', async () => {
    await expect(conformance('ftp://127.0.0.1/x', { provider: 'github', secret: 's' })).rejects.toThrow(TypeError)
    await expect(conformance('not a url', { provider: 'github', secret: 's' })).rejects.toThrow(TypeError)
  })

  it('a counter URL that does not count is an error before anything is sent', async () => {
    const before = receiver.handled()
    await expect(
      conformance(`${receiver.url}/webhooks/github`, {
        provider: 'github',
        secret: TEST_SECRETS.github.current,
        counterUrl: `${receiver.url}/nothing-here`,
      }),
    ).rejects.toThrow(/counter URL .* answered 404/)
    expect(receiver.handled()).toBe(before)
  })
})

describe('judgeCase()', () => {
  const delivery = createDelivery('orchest', { seed: 'judge' })
  it('a right status with the wrong code fails as "right status, wrong code"', async () => {
    const c = await buildCase(delivery, 'tampered-body', { secret: 's' })
    const r = judgeCase(c, [{ status: 401, code: 'MISSING_SIGNATURE', durationMs: 1 }])
    expect(r).toMatchObject({ ok: false, note: 'right status, wrong code', actual: '401 MISSING_SIGNATURE' })
  })
  it('a right status without any code passes (receivers that are not hookproof)', async () => {
    const c = await buildCase(delivery, 'tampered-body', { secret: 's' })
    expect(judgeCase(c, [{ status: 401, durationMs: 1 }]).ok).toBe(true)
  })
  it('a handler run on a rejected delivery fails the case', async () => {
    const c = await buildCase(delivery, 'wrong-secret', { secret: 's' })
    const r = judgeCase(c, [{ status: 401, code: 'SIGNATURE_MISMATCH', durationMs: 1 }], 1)
    expect(r).toMatchObject({ ok: false, note: 'handler ran 1x on a rejected delivery' })
  })
  it('concurrent answers match in either order', async () => {
    const c = await buildCase(delivery, 'concurrent-duplicate', { secret: 's' })
    const ok = judgeCase(c, [
      { status: 409, code: 'DUPLICATE_DELIVERY', durationMs: 1 },
      { status: 202, durationMs: 1 },
    ])
    expect(ok).toMatchObject({ ok: true, expected: '2xx + 409/200 DUPLICATE_DELIVERY', actual: '409 DUPLICATE_DELIVERY + 202' })
  })
  it('every fault has a summary line in the report', async () => {
    for (const f of FAULTS) expect(f.summary.length).toBeGreaterThan(10)
  })
})

describe('responseCode()', () => {
  it('reads code from problem+json and JSON bodies only', () => {
    expect(responseCode({ 'content-type': 'application/problem+json' }, '{"code":"SIGNATURE_MISMATCH"}')).toBe('SIGNATURE_MISMATCH')
    expect(responseCode({ 'content-type': 'text/plain' }, '{"code":"X"}')).toBeUndefined()
    expect(responseCode({ 'content-type': 'application/json' }, 'not json')).toBeUndefined()
    expect(responseCode({ 'content-type': 'application/json' }, '{"code":42}')).toBeUndefined()
  })
})
