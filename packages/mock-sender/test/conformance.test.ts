import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { conformance, formatReport, judgeCase, responseCode } from '../src/conformance/conformance.js'
import { MOCK_PROVIDERS } from '../src/delivery.js'
import { createDelivery } from '../src/events.js'
import { buildCase } from '../src/faults/cases.js'
import { FAULTS, faultsFor } from '../src/faults/faults.js'
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
    expect(report.cases.map((c) => c.name)).toEqual(['valid', ...(await faultsFor(provider)).map((f) => f.name)])
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
      ['stale-timestamp', '4xx TIMESTAMP_TOO_OLD', '401 TIMESTAMP_TOO_OLD'],
      ['malformed-signature', '4xx MALFORMED_SIGNATURE', '400 MALFORMED_SIGNATURE'],
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

  it('without a counter, a duplicate answered 200 twice without DUPLICATE_DELIVERY is inconclusive, never ok', async () => {
    const laxOk = await startReceiver({ dedup: false, handlerStatus: 200 })
    try {
      const report = await conformance(`${laxOk.url}/webhooks/github`, {
        provider: 'github',
        secret: TEST_SECRETS.github.current,
        cases: ['duplicate'],
      })
      expect(report.cases[0]).toMatchObject({ actual: '200, then 200', verdict: 'inconclusive', ok: false })
      expect(report.cases[0]?.note).toMatch(/needs a counter URL/)
      expect(report).toMatchObject({ ok: false, failed: 0, inconclusive: 1, verdict: 'inconclusive' })
      expect(formatReport(report)).toMatch(/^duplicate .* INCONCLUSIVE$/m)
      expect(formatReport(report)).not.toMatch(/behaved as a correct receiver/)
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
    expect(report.cases.map((c) => c.name)).toEqual(['valid', ...(await faultsFor('standard-webhooks')).map((f) => f.name)])
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

  it('a counter URL answering 404 is reported, not thrown: the cases run uncounted', async () => {
    const report = await conformance(`${receiver.url}/webhooks/github`, {
      provider: 'github',
      secret: TEST_SECRETS.github.current,
      counterUrl: `${receiver.url}/nothing-here`,
      cases: ['valid', 'duplicate'],
    })
    expect(report.counterError).toMatch(/counter URL .*nothing-here answered 404/)
    expect(report.counted).toBe(false)
    expect(report.cases.map((c) => [c.name, c.verdict])).toEqual([
      ['valid', 'ok'],
      // hookproof's DUPLICATE_DELIVERY code says the copy was recognised, counter or not
      ['duplicate', 'ok'],
    ])
    expect(formatReport(report)).toMatch(/^counter URL not read, handler runs not observed: .*404/m)
  })
})

describe('judgeCase()', () => {
  const delivery = createDelivery('orchest', { seed: 'judge' })
  it("a rejection with another code than hookproof's is still a rejection, with a note", async () => {
    const c = await buildCase(delivery, 'tampered-body', { secret: 's' })
    const r = judgeCase(c, [{ status: 401, code: 'MISSING_SIGNATURE', durationMs: 1 }])
    expect(r).toMatchObject({ ok: true, verdict: 'ok', actual: '401 MISSING_SIGNATURE' })
    expect(r.note).toBe('rejected as MISSING_SIGNATURE; a hookproof receiver says SIGNATURE_MISMATCH')
  })
  it.each([
    [400, 'ok'],
    [403, 'ok'],
    [422, 'ok'],
    [200, 'fail'],
    [204, 'fail'],
    [500, 'fail'],
    [301, 'fail'],
  ] as const)('a forgery answered %i is %s', async (status, verdict) => {
    const c = await buildCase(delivery, 'wrong-secret', { secret: 's' })
    expect(judgeCase(c, [{ status, durationMs: 1 }]).verdict).toBe(verdict)
  })
  it.each([200, 201, 202, 204])('a valid delivery answered %i is ok', async (status) => {
    const c = await buildCase(delivery, 'valid', { secret: 's' })
    expect(judgeCase(c, [{ status, durationMs: 1 }]).verdict).toBe('ok')
  })
  it('a duplicate answered 2xx twice: inconclusive uncounted, ok with a DUPLICATE_DELIVERY code, fail counted twice', async () => {
    const c = await buildCase(delivery, 'duplicate', { secret: 's' })
    const twice = [
      { status: 204, durationMs: 1 },
      { status: 204, durationMs: 1 },
    ]
    expect(judgeCase(c, twice)).toMatchObject({ verdict: 'inconclusive', ok: false })
    expect(judgeCase(c, twice, 1).verdict).toBe('ok')
    expect(judgeCase(c, twice, 2)).toMatchObject({ verdict: 'fail', note: 'processed twice' })
    expect(judgeCase(c, [twice[0]!, { status: 200, code: 'DUPLICATE_DELIVERY', durationMs: 1 }]).verdict).toBe('ok')
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
    expect(ok).toMatchObject({ ok: true, expected: '2xx + 2xx/409 DUPLICATE_DELIVERY', actual: '409 DUPLICATE_DELIVERY + 202' })
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
