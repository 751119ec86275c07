import { describe, expect, it, vi } from 'vitest'
import { MOCK_PROVIDERS } from '../src/delivery.js'
import { createDelivery, EVENT_TYPES } from '../src/events.js'
import { jsonbOrder } from '../src/formats/jsonb.js'
import { applyOverrides } from '../src/formats/overrides.js'
import { pyJson } from '../src/formats/python-json.js'
import { createRng } from '../src/formats/random.js'
import { httpDate, isoMillis, isoSeconds, pythonUtcTimestamp } from '../src/formats/time.js'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('createRng()', () => {
  it('gives the same sequence for the same seed, another for another seed', () => {
    const a = createRng('x')
    const b = createRng('x')
    const c = createRng('y')
    const seqA = [a.uuid(), a.hex(9), a.int(1, 6), a.alnum(5)]
    expect([b.uuid(), b.hex(9), b.int(1, 6), b.alnum(5)]).toEqual(seqA)
    expect(c.uuid()).not.toBe(seqA[0])
  })

  it('numbers and strings seed alike: 1 and "1" are the same seed', () => {
    expect(createRng(1).uuid()).toBe(createRng('1').uuid())
  })

  it('produces RFC 4122 version 4 UUIDs, hex and alphanumerics of the asked length', () => {
    const rng = createRng(42)
    for (let i = 0; i < 200; i++) expect(rng.uuid()).toMatch(UUID_V4)
    expect(rng.hex(7)).toMatch(/^[0-9a-f]{7}$/)
    expect(rng.alnum(24)).toMatch(/^[A-Za-z0-9]{24}$/)
    expect(rng.bytes(5)).toHaveLength(5)
  })

  it('int(min, max) stays within its bounds and reaches both', () => {
    const rng = createRng('bounds')
    const seen = new Set<number>()
    for (let i = 0; i < 500; i++) seen.add(rng.int(1, 3))
    expect([...seen].sort()).toEqual([1, 2, 3])
  })

  it('uses crypto, not Math.random, without a seed', () => {
    const spy = vi.spyOn(Math, 'random')
    expect(createRng().uuid()).toMatch(UUID_V4)
    expect(spy).not.toHaveBeenCalled()
    spy.mockRestore()
  })

  it('pick() throws on an empty list', () => {
    expect(() => createRng(1).pick([])).toThrow(RangeError)
  })
})

describe('jsonbOrder()', () => {
  it('orders keys shorter first, then bytewise, at every depth', () => {
    const ordered = jsonbOrder({ timestamp: 1, type: 2, project: { name: 'n', uuid: 'u', job: {} }, uuid: 3 })
    expect(pyJson(ordered)).toBe('{"type": 2, "uuid": 3, "project": {"job": {}, "name": "n", "uuid": "u"}, "timestamp": 1}')
  })

  it('compares UTF-8 bytes: "Z" before "a"; "é" (2 bytes) sorts among 2-byte keys, after "ee"', () => {
    expect(pyJson(jsonbOrder({ a: 1, Z: 2, é: 3, ee: 4 }))).toBe('{"Z": 2, "a": 1, "ee": 4, "\\u00e9": 3}')
  })

  it('keeps integer-like keys in their jsonb place by returning a Map', () => {
    expect(pyJson(jsonbOrder({ b: 1, 10: 2, 2: 3 }))).toBe('{"2": 3, "b": 1, "10": 2}')
  })

  it('orders objects inside arrays', () => {
    expect(pyJson(jsonbOrder([{ bb: 1, a: 2 }]))).toBe('[{"a": 2, "bb": 1}]')
  })
})

describe('applyOverrides()', () => {
  it('merges objects, replaces arrays and scalars, removes on undefined, appends new keys last', () => {
    const base = { a: 1, b: { c: 2, d: [1, 2] }, e: 'x' }
    const out = applyOverrides(base, { b: { d: [9], f: true }, a: undefined, g: null })
    expect(out).toEqual({ b: { c: 2, d: [9], f: true }, e: 'x', g: null })
    expect(Object.keys(out)).toEqual(['b', 'e', 'g'])
    expect(Object.keys(out.b)).toEqual(['c', 'd', 'f'])
    expect(base).toEqual({ a: 1, b: { c: 2, d: [1, 2] }, e: 'x' })
  })

  it('returns a copy when there is nothing to apply', () => {
    const base = { a: { b: 1 } }
    const out = applyOverrides(base, undefined)
    expect(out).toEqual(base)
    expect(out.a).not.toBe(base.a)
  })
})

describe('time formats', () => {
  const ms = Date.UTC(2022, 5, 2, 16, 12, 25, 242)

  it('pythonUtcTimestamp matches Python str(datetime) with and without microseconds', () => {
    expect(pythonUtcTimestamp(ms, 592)).toBe('2022-06-02 16:12:25.242592+00:00')
    expect(pythonUtcTimestamp(Date.UTC(2022, 5, 2, 16, 12, 25))).toBe('2022-06-02 16:12:25+00:00')
    expect(pythonUtcTimestamp(Date.UTC(2022, 5, 2, 16, 12, 25), 7)).toBe('2022-06-02 16:12:25.000007+00:00')
  })

  it('ISO and HTTP dates', () => {
    expect(isoMillis(1700000000000)).toBe('2023-11-14T22:13:20.000Z')
    expect(isoSeconds(1700000000123)).toBe('2023-11-14T22:13:20Z')
    expect(httpDate(1700000000000)).toBe('Tue, 14 Nov 2023 22:13:20 GMT')
  })
})

describe('createDelivery()', () => {
  it.each(MOCK_PROVIDERS)('%s builds its default and every listed event', (provider) => {
    for (const event of EVENT_TYPES[provider]) {
      const d = createDelivery(provider, { event, seed: 1 })
      expect(d.provider).toBe(provider)
      expect(d.event).toBe(event)
      expect(d.body.length).toBeGreaterThan(0)
    }
    expect(createDelivery(provider, { seed: 1 }).event).toBe(EVENT_TYPES[provider][0])
  })

  it('lists 59 Orchest events (58 and ping) and 11 Xplenty events (10 and ping)', () => {
    expect(EVENT_TYPES.orchest).toHaveLength(59)
    expect(EVENT_TYPES.xplenty).toHaveLength(11)
  })

  it('rejects an unknown provider and an unknown Y42 event', () => {
    // @ts-expect-error not a provider
    expect(() => createDelivery('stripe')).toThrow(TypeError)
    expect(() => createDelivery('y42', { event: 'dashboard.run.finished' })).toThrow(TypeError)
  })

  it('with the same seed gives the same bytes for every provider', () => {
    for (const provider of MOCK_PROVIDERS) {
      const a = createDelivery(provider, { seed: 'same' })
      const b = createDelivery(provider, { seed: 'same' })
      expect(Buffer.from(a.body).equals(Buffer.from(b.body))).toBe(true)
      expect(a.headers).toEqual(b.headers)
    }
  })
})
