import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PyFloat, pyFloat, pyFloatRepr, pyJson, pyString } from '../src/formats/python-json.js'
import orchestPingVector from './fixtures/orchest-ping-json.json' with { type: 'json' }

// Expected strings below are written by hand from Python's documented json.dumps defaults
// (separators ', ' and ': ', ensure_ascii=True, allow_nan=True) and float repr; none is produced
// by the code under test.

describe('pyJson() byte fidelity against the orchest-ping-json vector', () => {
  // Orchest's documented ping payload, typed in from the Orchest docs, in Python dict order.
  const documentedPing = {
    delivered_for: {
      name: 'Test webhook',
      verify_ssl: false,
      content_type: 'application/json',
      uuid: 'a1edb89c-1cfb-4086-8f75-ab073612c5bf',
      type: 'webhook',
    },
    event: {
      type: 'ping',
      uuid: '08bd2a31-9b17-4d1b-83ba-b4538a970dee',
      timestamp: '2022-06-02 16:12:25.242592+00:00',
    },
  }

  it('serialises the documented ping payload to exactly the 291-byte vector body', () => {
    const out = pyJson(documentedPing)
    expect(out).toBe(orchestPingVector.body)
    expect(new TextEncoder().encode(out).length).toBe(291)
  })

  it('differs from JSON.stringify, which is why a re-serialising receiver fails', () => {
    expect(JSON.stringify(documentedPing)).not.toBe(orchestPingVector.body)
  })
})

describe('pyJson() strings (ensure_ascii)', () => {
  it.each([
    ['é', '"\\u00e9"'],
    ['café', '"caf\\u00e9"'],
    ['😀', '"\\ud83d\\ude00"'],
    ['\u0001', '"\\u0001"'],
    ['\u001f', '"\\u001f"'],
    ['\u007f', '"\\u007f"'],
    ['\u0000', '"\\u0000"'],
    ['\u2028', '"\\u2028"'],
    ['\ufeff', '"\\ufeff"'],
    ['a/b', '"a/b"'],
    ['<script>&', '"<script>&"'],
    ['"', '"\\""'],
    ['\\', '"\\\\"'],
    ['\n\r\t\b\f', '"\\n\\r\\t\\b\\f"'],
    ['\u000b', '"\\u000b"'],
    [' ~', '" ~"'],
    ['', '""'],
  ])('%j encodes as %s', (input, expected) => {
    expect(pyJson(input)).toBe(expected)
    expect(pyString(input)).toBe(expected)
  })

  it('writes a lone surrogate as its own escape, as Python does', () => {
    expect(pyJson('a\ud800b')).toBe('"a\\ud800b"')
  })

  it('escapes non-ASCII keys too', () => {
    expect(pyJson({ ключ: 'é' })).toBe('{"\\u043a\\u043b\\u044e\\u0447": "\\u00e9"}')
  })
})

describe('pyJson() containers and literals', () => {
  it.each<[unknown, string]>([
    [{}, '{}'],
    [[], '[]'],
    [[1, 2], '[1, 2]'],
    [[1, [2, 3], [], {}], '[1, [2, 3], [], {}]'],
    [{ a: { b: null }, c: [true, false] }, '{"a": {"b": null}, "c": [true, false]}'],
    [null, 'null'],
    [true, 'true'],
    [false, 'false'],
    [{ z: 1, a: 2 }, '{"z": 1, "a": 2}'],
  ])('%j encodes as %s', (input, expected) => {
    expect(pyJson(input)).toBe(expected)
  })

  it('keeps a Map in its given order, even with integer-like keys', () => {
    expect(
      pyJson(
        new Map<string, number>([
          ['b', 1],
          ['1', 2],
        ]),
      ),
    ).toBe('{"b": 1, "1": 2}')
  })

  it('adds no trailing newline and no indentation', () => {
    expect(pyJson({ a: [1] })).toBe('{"a": [1]}')
  })
})

describe('pyJson() numbers (Python int and float repr)', () => {
  it.each<[unknown, string]>([
    [42, '42'],
    [-7, '-7'],
    [0, '0'],
    [1e21, '1000000000000000000000'],
    [2n ** 64n, '18446744073709551616'],
    [pyFloat(1), '1.0'],
    [pyFloat(0), '0.0'],
    [-0, '-0.0'],
    [pyFloat(-2.5), '-2.5'],
    [1.5, '1.5'],
    [0.1 + 0.2, '0.30000000000000004'],
    [pyFloat(1e16), '1e+16'],
    [pyFloat(1e15), '1000000000000000.0'],
    [pyFloat(9999999999999998), '9999999999999998.0'],
    [pyFloat(1.2345e16), '1.2345e+16'],
    [pyFloat(1e22), '1e+22'],
    [1.5e-7, '1.5e-07'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [0.00012, '0.00012'],
    [123456789.123, '123456789.123'],
    [pyFloat(1.7976931348623157e308), '1.7976931348623157e+308'],
    [5e-324, '5e-324'],
    [1e-100, '1e-100'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
  ])('%s encodes as %s', (input, expected) => {
    expect(pyJson(input)).toBe(expected)
  })

  it('prints a float inside a structure with its repr', () => {
    expect(pyJson({ progress: pyFloat(1), ratio: 0.5 })).toBe('{"progress": 1.0, "ratio": 0.5}')
  })

  it('rejects NaN and infinities with allowNan: false, as requests.post(json=...) does', () => {
    expect(() => pyJson(Number.NaN, { allowNan: false })).toThrow(RangeError)
    expect(() => pyJson([pyFloat(Number.POSITIVE_INFINITY)], { allowNan: false })).toThrow(RangeError)
  })

  it('PyFloat serialises to its number through JSON.stringify', () => {
    expect(JSON.stringify({ a: new PyFloat(2) })).toBe('{"a":2}')
  })
})

describe('pyJson() rejects what Python cannot encode', () => {
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a Date', new Date(0)],
    ['a class instance', new (class Thing {})()],
    ['undefined inside an object', { a: undefined }],
  ])('throws TypeError for %s', (_, value) => {
    expect(() => pyJson(value)).toThrow(TypeError)
  })

  it('throws TypeError for a circular structure but accepts a shared, non-circular one', () => {
    const loop: Record<string, unknown> = {}
    loop.self = loop
    expect(() => pyJson(loop)).toThrow(/Circular/)
    const shared = { x: 1 }
    expect(pyJson([shared, shared])).toBe('[{"x": 1}, {"x": 1}]')
  })
})

describe('pyJson() properties', () => {
  it('is pure printable ASCII and JSON.parse gives the input back', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const out = pyJson(value)
        expect(out).toMatch(/^[\x20-\x7e]*$/)
        expect(JSON.parse(out)).toStrictEqual(value)
      }),
      { numRuns: 500 },
    )
  })

  it('round-trips any string of UTF-16 code units, lone surrogates included', () => {
    const codeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) })
    fc.assert(
      fc.property(codeUnits, (s) => {
        const out = pyJson(s)
        expect(out).toMatch(/^"[\x20-\x7e]*"$/)
        expect(JSON.parse(out)).toBe(s)
      }),
      { numRuns: 500 },
    )
  })

  it('float repr reads back as the same double and always looks like a float', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const out = pyFloatRepr(x)
        expect(Object.is(Number(out), x)).toBe(true)
        expect(out).toMatch(/^-?(\d+\.\d+|\d(\.\d+)?e[+-]\d{2,3})$/)
      }),
      { numRuns: 1000 },
    )
  })
})
