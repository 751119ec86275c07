/**
 * Python's `urllib.parse.quote_plus` and `urlencode`, byte for byte: the form bodies Orchest
 * (through `requests.post(data=...)`) signs. `encodeURIComponent` and `URLSearchParams` differ:
 * the first keeps `! ' ( ) *`, the second keeps `*` and turns `~` into `%7E`.
 *
 * @see https://docs.python.org/3/library/urllib.parse.html#urllib.parse.quote_plus
 */

const encoder = new TextEncoder()
const HEX = '0123456789ABCDEF'
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x5f || // _
    byte === 0x2e || // .
    byte === 0x2d || // -
    byte === 0x7e // ~
  )
}

/**
 * `quote_plus(value)`: keeps `A-Z a-z 0-9 _ . - ~`, turns space into `+`, escapes every other
 * UTF-8 byte as `%XX` with uppercase hex.
 *
 * @example
 * quotePlus("a b!'()*~") // 'a+b%21%27%28%29%2A~'
 * @throws {TypeError} for a lone surrogate, which Python's strict UTF-8 encoder rejects.
 */
export function quotePlus(value: string): string {
  if (LONE_SURROGATE.test(value)) throw new TypeError('quotePlus: string contains a lone surrogate')
  let out = ''
  for (const byte of encoder.encode(value)) {
    if (isUnreserved(byte)) out += String.fromCharCode(byte)
    else if (byte === 0x20) out += '+'
    else out += `%${HEX[byte >> 4]}${HEX[byte & 0xf]}`
  }
  return out
}

/**
 * Pairs in the order they are written; a record is taken in its insertion order.
 *
 * @example
 * const fields: FormFields = [['a', '1'], ['b', 'x y']]
 * urlencode(fields) // 'a=1&b=x+y'
 */
export type FormFields = readonly (readonly [string, string])[] | Readonly<Record<string, string>>

/**
 * `urlencode(fields)`: `quote_plus(key)=quote_plus(value)` joined with `&`, in the given order.
 *
 * @example
 * urlencode([['event', '{"type": "ping"}']]) // 'event=%7B%22type%22%3A+%22ping%22%7D'
 */
export function urlencode(fields: FormFields): string {
  const pairs = Array.isArray(fields) ? fields : Object.entries(fields)
  return pairs.map(([key, value]) => `${quotePlus(key)}=${quotePlus(value)}`).join('&')
}
