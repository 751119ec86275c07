import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { quotePlus, urlencode } from '../src/formats/form.js'

// Expected strings are written by hand from Python's documented quote_plus: keep A-Z a-z 0-9 _ . - ~,
// space becomes +, every other UTF-8 byte becomes %XX with uppercase hex.

describe('quotePlus()', () => {
  it.each([
    ["a b!'()*~", 'a+b%21%27%28%29%2A~'],
    ['é', '%C3%A9'],
    ['€', '%E2%82%AC'],
    ['😀', '%F0%9F%98%80'],
    ['AZaz09_.-~', 'AZaz09_.-~'],
    ['{"type": "ping"}', '%7B%22type%22%3A+%22ping%22%7D'],
    ['/&=+%', '%2F%26%3D%2B%25'],
    ['\n\t', '%0A%09'],
    ['', ''],
  ])('%j quotes as %s', (input, expected) => {
    expect(quotePlus(input)).toBe(expected)
  })

  it("differs from encodeURIComponent on ! ' ( ) * and space", () => {
    expect(encodeURIComponent("a b!'()*")).toBe("a%20b!'()*")
    expect(quotePlus("a b!'()*")).toBe('a+b%21%27%28%29%2A')
  })

  it('throws TypeError for a lone surrogate, as Python’s strict UTF-8 encoder does', () => {
    expect(() => quotePlus('a\ud800')).toThrow(TypeError)
    expect(() => quotePlus('\udc00b')).toThrow(TypeError)
  })

  it('only ever emits the unreserved set, + and %XX, and decodes back to the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = quotePlus(s)
        expect(out).toMatch(/^([A-Za-z0-9_.~+-]|%[0-9A-F]{2})*$/)
        expect(decodeURIComponent(out.replace(/\+/g, ' '))).toBe(s)
      }),
      { numRuns: 500 },
    )
    // 500 runs take about 5 s on a loaded CI machine: the default 5 s test timeout is not a budget here
  }, 30_000)
})

describe('urlencode()', () => {
  it('joins quoted pairs with & in the given order', () => {
    expect(
      urlencode([
        ['a b', 'c&d'],
        ['e', ''],
      ]),
    ).toBe('a+b=c%26d&e=')
  })

  it('takes a record in insertion order', () => {
    expect(urlencode({ z: '1', a: '2 3' })).toBe('z=1&a=2+3')
  })

  it('gives an empty string for no fields', () => {
    expect(urlencode([])).toBe('')
  })
})
