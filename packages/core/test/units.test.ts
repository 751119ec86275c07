import { describe, expect, it } from 'vitest'
import { nodeCrypto } from '../src/crypto/node.js'
import { webCrypto } from '../src/crypto/web.js'
import { base64ToBytes, bytesToBase64, bytesToHex, hexToBytes, toBytes } from '../src/encoding.js'
import { headerLookup } from '../src/headers.js'
import { mediaType, parsePayload } from '../src/payload.js'
import { checkTolerance, parseTimestamp } from '../src/timestamp.js'

describe('headers', () => {
  it('reads Fetch Headers, IncomingHttpHeaders and mixed-case records case-insensitively', () => {
    expect(headerLookup(new Headers({ 'X-Hub-Signature': 'a' }))('x-hub-signature')).toBe('a')
    expect(headerLookup({ 'x-hub-signature': 'a' })('x-hub-signature')).toBe('a')
    expect(headerLookup({ 'X-Hub-Signature': 'a' })('x-hub-signature')).toBe('a')
    expect(headerLookup({ 'X-Hub-Signature': 'a' })('x-other')).toBeUndefined()
  })
  it('returns arrays for a header sent twice (headersDistinct, arrays, two spellings), one string for one value', () => {
    expect(headerLookup({ 'x-a': ['1', '2'] })('x-a')).toEqual(['1', '2'])
    expect(headerLookup({ 'x-a': ['1'] })('x-a')).toBe('1')
    // a read of a header that must be sent once (every: true) sees past the exact-lowercase key
    expect(headerLookup({ 'X-A': '1', 'x-a': '2' })('x-a', true)).toEqual(['1', '2'])
    expect(headerLookup({ 'x-a': '2', 'X-A': '1' })('x-a', true)).toEqual(['2', '1'])
    expect(headerLookup({ 'X-A': '1', 'x-a': '2' })('x-a')).toBe('2')
    expect(headerLookup({ 'X-A': '1', 'x-A': '2' })('x-a')).toEqual(['1', '2'])
  })
  it('ignores non-string values and survives hostile inputs', () => {
    expect(headerLookup({ 'x-a': { toString: () => 'x' } })('x-a')).toBeUndefined()
    expect(headerLookup({ 'x-a': 5 })('x-a')).toBe('5')
    expect(headerLookup(null)('x-a')).toBeUndefined()
    expect(headerLookup('nope')('x-a')).toBeUndefined()
    expect(headerLookup(Object.create(null))('x-a')).toBeUndefined()
    expect(headerLookup(new Map([['X-A', 'm']]))('x-a')).toBe('m')
    expect(
      headerLookup({
        get: () => {
          throw new Error('boom')
        },
      })('x-a'),
    ).toBeUndefined()
    expect(headerLookup({ __proto__: { 'x-a': 'inherited' } })('x-a')).toBeUndefined()
  })
})

describe('encoding', () => {
  it('hex decodes either case and rejects odd lengths and non-hex', () => {
    expect(bytesToHex(hexToBytes('00ffAB10') as Uint8Array)).toBe('00ffab10')
    expect(hexToBytes('abc')).toBeUndefined()
    expect(hexToBytes('zz')).toBeUndefined()
    expect(hexToBytes('é0')).toBeUndefined()
  })
  it('base64 requires padding, accepts url-safe letters, and round-trips', () => {
    expect(bytesToBase64(new TextEncoder().encode('any carnal pleas'))).toBe('YW55IGNhcm5hbCBwbGVhcw==')
    expect(new TextDecoder().decode(base64ToBytes('YW55IGNhcm5hbCBwbGVhcw==') as Uint8Array)).toBe('any carnal pleas')
    expect(base64ToBytes('YW55IGNhcm5hbCBwbGVhcw')).toBeUndefined()
    expect(base64ToBytes('YW55*GNh')).toBeUndefined()
    expect(base64ToBytes('a=bc')).toBeUndefined()
    expect(base64ToBytes('-_-_')).toEqual(new Uint8Array([251, 255, 191]))
    // non-canonical: the bits under the padding are not zero
    expect(base64ToBytes('AP8=')).toEqual(new Uint8Array([0, 255]))
    expect(base64ToBytes('AP9=')).toBeUndefined()
    expect(base64ToBytes('AA==')).toEqual(new Uint8Array([0]))
    expect(base64ToBytes('AB==')).toBeUndefined()
  })
  it('toBytes keeps Buffers and views without copying', () => {
    const buf = Buffer.from('abc')
    expect(toBytes(buf)).toBe(buf)
    expect(toBytes(undefined)).toEqual(new Uint8Array(0))
    expect(toBytes(42)).toBeUndefined()
  })
})

describe('timestamps', () => {
  it('accepts digits only, up to 16 of them', () => {
    expect(parseTimestamp('1700000000', 't')).toBe(1_700_000_000)
    for (const bad of ['', '-1', '+1', '1.5', '1e9', ' 1', '0x10', '12345678901234567']) {
      expect(parseTimestamp(bad, 't')).toMatchObject({ ok: false, code: 'MALFORMED_SIGNATURE' })
    }
  })
  it('is two-sided and inclusive at the edge', () => {
    expect(checkTolerance(1000, 1000 + 300_000, 300_000, 't')).toBeUndefined()
    expect(checkTolerance(1000, 1001 + 300_000, 300_000, 't')?.code).toBe('TIMESTAMP_TOO_OLD')
    expect(checkTolerance(1001 + 300_000, 1000, 300_000, 't')?.code).toBe('TIMESTAMP_IN_FUTURE')
  })
})

describe('payload parsing', () => {
  const enc = (s: string) => new TextEncoder().encode(s)
  it('parses by media type (a form body through its reader, loaded on first use)', async () => {
    expect(mediaType('Application/JSON; charset=utf-8')).toBe('application/json')
    expect(parsePayload(enc('{"a":1}'), 'application/vnd.api+json', false)).toEqual({ ok: true, value: { a: 1 } })
    expect(await parsePayload(enc('a=1&a=2&b=x'), 'application/x-www-form-urlencoded', false)).toEqual({
      ok: true,
      value: { a: ['1', '2'], b: 'x' },
    })
    expect(parsePayload(enc('hello'), 'text/plain', false)).toEqual({ ok: true, value: 'hello' })
    expect(parsePayload(enc('hello'), undefined, false)).toEqual({ ok: true, value: 'hello' })
    expect(parsePayload(enc('{"ok":false}'), 'application/json', false)).toEqual({ ok: true, value: { ok: false } })
    expect(await parsePayload(enc('a=notjson'), 'application/x-www-form-urlencoded', true)).toMatchObject({ code: 'INVALID_PAYLOAD' })
  })
})

describe.each([
  ['node', nodeCrypto],
  ['web', webCrypto],
])('crypto backend %s', (_n, backend) => {
  it('HMAC of parts equals HMAC of the joined bytes (RFC 4231 test case 2)', async () => {
    // RFC 4231 4.3: key "Jefe", data "what do ya want for nothing?"
    const key = await backend.importKey('SHA-256', new TextEncoder().encode('Jefe'))
    const mac = await backend.hmac('SHA-256', key, ['what do ya want ', new TextEncoder().encode('for nothing?')])
    expect(bytesToHex(mac)).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843')
  })
  it('equal() is false, never a throw, on different lengths', () => {
    expect(backend.equal(new Uint8Array(2), new Uint8Array(3))).toBe(false)
    expect(backend.equal(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true)
    expect(backend.equal(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false)
  })
})
