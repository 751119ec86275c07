import { describe, expect, it } from 'vitest'
import { MOCK_PROVIDERS, utf8 } from '../src/delivery.js'
import { statusesMatch } from '../src/faults/expect.js'
import { FAULT_NAMES, FAULTS, faultApplies, faultsFor, getFault, reserializedBody } from '../src/faults/faults.js'
import { designerCloudEvent } from '../src/vendors/designer-cloud.js'
import { orchestPing } from '../src/vendors/orchest.js'
import { y42Event } from '../src/vendors/y42.js'

describe('FAULTS', () => {
  it('lists exactly the names of DESIGN.md, in its order', () => {
    expect(FAULT_NAMES).toEqual([
      'tampered-body',
      'tampered-signature',
      'wrong-secret',
      'rotated-secret',
      'stale-timestamp',
      'future-timestamp',
      'missing-signature',
      'malformed-signature',
      'duplicate',
      'concurrent-duplicate',
      'reserialized-body',
    ])
  })

  it.each([
    ['tampered-body', [{ status: '4xx', code: 'SIGNATURE_MISMATCH' }], 0],
    ['tampered-signature', [{ status: '4xx', code: 'SIGNATURE_MISMATCH' }], 0],
    ['wrong-secret', [{ status: '4xx', code: 'SIGNATURE_MISMATCH' }], 0],
    ['rotated-secret', [{ status: '2xx' }], 1],
    ['stale-timestamp', [{ status: '4xx', code: 'TIMESTAMP_TOO_OLD' }], 0],
    ['future-timestamp', [{ status: '4xx', code: 'TIMESTAMP_IN_FUTURE' }], 0],
    ['missing-signature', [{ status: '4xx', code: 'MISSING_SIGNATURE' }], 0],
    ['malformed-signature', [{ status: '4xx', code: 'MALFORMED_SIGNATURE' }], 0],
    ['duplicate', [{ status: '2xx' }, { status: '2xx', code: 'DUPLICATE_DELIVERY' }], 1],
    ['concurrent-duplicate', [{ status: '2xx' }, { status: ['2xx', 409], code: 'DUPLICATE_DELIVERY' }], 1],
    ['reserialized-body', [{ status: '4xx', code: 'SIGNATURE_MISMATCH' }], 0],
  ])('%s expects %j and %i handler call(s)', (name, expected, calls) => {
    const fault = getFault(name)
    expect(fault.expect).toEqual(expected)
    expect(fault.handlerCalls).toBe(calls)
    expect(fault.requests).toBe(expected.length)
  })

  it('only concurrent-duplicate is concurrent', () => {
    expect(FAULTS.filter((f) => f.concurrent).map((f) => f.name)).toEqual(['concurrent-duplicate'])
  })

  it('getFault names the valid faults when given an unknown one', () => {
    expect(() => getFault('tampered')).toThrow(/unknown fault "tampered"; one of: tampered-body, /)
  })
})

describe('which providers a fault applies to (read from the registry rows)', () => {
  const appliesTo = async (name: string) => {
    const out: string[] = []
    for (const p of MOCK_PROVIDERS) if ((await faultsFor(p)).some((f) => f.name === name)) out.push(p)
    return out
  }

  it('timestamp faults: only up42, designer-cloud and standard-webhooks, the rows that sign a time', async () => {
    // providers-list: expected scopes, written apart from the derivation they check
    expect(await appliesTo('stale-timestamp')).toEqual(['up42', 'designer-cloud', 'standard-webhooks'])
    // providers-list: as above
    expect(await appliesTo('future-timestamp')).toEqual(['up42', 'designer-cloud', 'standard-webhooks'])
  })

  it('reserialized-body: only Orchest, whose Python spacing differs from JSON.stringify', async () => {
    expect(await appliesTo('reserialized-body')).toEqual(['orchest'])
    expect(await faultApplies('reserialized-body', orchestPing({ seed: 1 }))).toBe(true)
    expect(await faultApplies('reserialized-body', orchestPing({ seed: 1, contentType: 'application/x-www-form-urlencoded' }))).toBe(false)
  })

  it('duplicates: every provider but Xplenty, which has no dedup key', async () => {
    // a row added later is judged by its own vectors, not listed here
    // providers-list: the first seven rows' expected scopes, written apart from the derivation
    const known = ['y42', 'up42', 'orchest', 'designer-cloud', 'github', 'standard-webhooks']
    for (const fault of ['duplicate', 'concurrent-duplicate']) {
      const scope = await appliesTo(fault)
      expect(scope).toEqual(expect.arrayContaining(known))
      expect(scope).not.toContain('xplenty')
    }
  })

  it('faultsFor(orchest) has no timestamp faults; faultsFor(up42) has no reserialized-body', async () => {
    expect((await faultsFor('orchest')).map((f) => f.name)).toEqual([
      'tampered-body',
      'tampered-signature',
      'wrong-secret',
      'rotated-secret',
      'missing-signature',
      'malformed-signature',
      'duplicate',
      'concurrent-duplicate',
      'reserialized-body',
    ])
    expect((await faultsFor('up42')).map((f) => f.name)).not.toContain('reserialized-body')
  })

  it('tampered-body does not apply to a body-less Designer Cloud GET', async () => {
    expect(await faultApplies('tampered-body', designerCloudEvent({ method: 'GET' }))).toBe(false)
    expect(await faultApplies('tampered-body', designerCloudEvent({ method: 'POST' }))).toBe(true)
  })

  it('an unknown provider is a TypeError naming the registry', async () => {
    await expect(faultsFor('acme' as never)).rejects.toThrow(/unknown provider: acme; one of y42, up42/)
  })
})

describe('reserializedBody()', () => {
  it('gives JSON.stringify’s form of a Python-format body', () => {
    expect(reserializedBody({ body: utf8('{"a": 1, "b": [1, 2]}') })).toBe('{"a":1,"b":[1,2]}')
  })

  it('is undefined for compact JSON (nothing would change) and for non-JSON', () => {
    expect(reserializedBody(y42Event({ seed: 1 }))).toBeUndefined()
    expect(reserializedBody({ body: utf8('a=1&b=2') })).toBeUndefined()
  })
})

describe('statusesMatch()', () => {
  it.each<[string, number[], boolean]>([
    ['tampered-body', [401], true],
    // any 4xx rejects: a correct receiver need not pick hookproof's status (octokit answers 400)
    ['tampered-body', [400], true],
    ['tampered-body', [403], true],
    ['tampered-body', [200], false],
    ['tampered-body', [204], false],
    ['tampered-body', [500], false],
    ['tampered-body', [302], false],
    ['rotated-secret', [204], true],
    ['rotated-secret', [401], false],
    ['malformed-signature', [400], true],
    ['duplicate', [200, 200], true],
    ['duplicate', [201, 200], true],
    ['duplicate', [200, 409], false],
    ['duplicate', [204, 204], true],
    ['duplicate', [200, 500], false],
    ['duplicate', [200], false],
    ['concurrent-duplicate', [409, 202], true],
    ['concurrent-duplicate', [200, 200], true],
    ['concurrent-duplicate', [409, 409], false],
    ['concurrent-duplicate', [500, 200], false],
  ])('%s with %j is %s', (name, statuses, ok) => {
    expect(statusesMatch(getFault(name), statuses)).toBe(ok)
  })
})
