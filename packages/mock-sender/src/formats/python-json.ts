/**
 * Python's `json.dumps` with its default arguments, byte for byte: the format Orchest (and any
 * Python sender using `requests.post(json=...)`) signs. A receiver that re-serialises with
 * `JSON.stringify` gets different bytes (`{"a":1}` versus `{"a": 1}`), which is exactly the
 * mistake these bodies are meant to catch.
 *
 * @see https://docs.python.org/3/library/json.html#json.dumps
 */

/**
 * A number that Python holds as a `float`, so it prints with Python's `repr` (`1.0`, `1e+16`).
 *
 * @example
 * pyJson([new PyFloat(2), 2]) // '[2.0, 2]'
 */
export class PyFloat {
  constructor(readonly value: number) {}
  toJSON(): number {
    return this.value
  }
}

/**
 * Marks a number as a Python float. Plain JS integers print as Python ints (`1`), so a float
 * whose value is integral needs this wrapper to print as `1.0`.
 *
 * @example
 * pyJson({ progress: pyFloat(1) }) // '{"progress": 1.0}'
 */
export function pyFloat(value: number): PyFloat {
  return new PyFloat(value)
}

/**
 * Values `pyJson` accepts. A `Map` keeps keys in exactly the given order, which a plain object
 * cannot do for integer-like keys (JS lists `"1"` before `"b"` whatever the insertion order).
 *
 * @example
 * const value: PyJsonValue = new Map<string, PyJsonValue>([['b', 1], ['1', pyFloat(0.5)]])
 * pyJson(value) // '{"b": 1, "1": 0.5}'
 */
export type PyJsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyFloat
  | readonly PyJsonValue[]
  | ReadonlyMap<string, PyJsonValue>
  | { readonly [key: string]: PyJsonValue }

/**
 * Options of `pyJson`.
 *
 * @example
 * const options: PyJsonOptions = { allowNan: false }
 * pyJson({ ratio: Number.NaN }, options) // throws, as requests.post(json=...) does
 */
export interface PyJsonOptions {
  /**
   * Python's `allow_nan` (default `true`): NaN and infinities print as `NaN`, `Infinity`,
   * `-Infinity`, which are not JSON. `requests.post(json=...)` passes `false`, so it raises.
   */
  allowNan?: boolean
}

/**
 * Serialises `value` exactly as Python's `json.dumps(value)` does with default arguments:
 * `", "` and `": "` separators, `ensure_ascii` (`\u00e9`, surrogate pairs above the BMP), keys
 * in insertion order, no trailing newline. Non-integral numbers and {@link pyFloat} values print
 * with Python's float `repr`; integral numbers and bigints print as ints.
 *
 * @example
 * pyJson({ name: 'café', n: [1, 2] }) // '{"name": "caf\\u00e9", "n": [1, 2]}'
 * @throws {TypeError} for values Python's encoder rejects (undefined, functions, symbols, Dates,
 *   class instances) and for circular structures.
 */
export function pyJson(value: unknown, options: PyJsonOptions = {}): string {
  const out: string[] = []
  encode(value, out, new Set(), options.allowNan ?? true)
  return out.join('')
}

function encode(value: unknown, out: string[], stack: Set<object>, allowNan: boolean): void {
  if (value === null) {
    out.push('null')
    return
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false')
      return
    case 'string':
      out.push(pyString(value))
      return
    case 'bigint':
      out.push(value.toString())
      return
    case 'number':
      out.push(Number.isInteger(value) && !Object.is(value, -0) ? pyInt(value) : pyFloatRepr(value, allowNan))
      return
    case 'object':
      break
    default:
      throw new TypeError(`Object of type ${typeof value} is not JSON serializable`)
  }
  if (value instanceof PyFloat) {
    out.push(pyFloatRepr(value.value, allowNan))
    return
  }
  if (stack.has(value)) throw new TypeError('Circular reference detected')
  stack.add(value)
  if (Array.isArray(value)) {
    out.push('[')
    value.forEach((item, i) => {
      if (i > 0) out.push(', ')
      encode(item, out, stack, allowNan)
    })
    out.push(']')
  } else {
    const entries = entriesOf(value)
    out.push('{')
    entries.forEach(([key, item], i) => {
      if (i > 0) out.push(', ')
      out.push(pyString(key), ': ')
      encode(item, out, stack, allowNan)
    })
    out.push('}')
  }
  stack.delete(value)
}

function entriesOf(value: object): [string, unknown][] {
  if (value instanceof Map) {
    const entries: [string, unknown][] = []
    for (const [key, item] of value) {
      if (typeof key !== 'string') throw new TypeError('Map keys must be strings')
      entries.push([key, item])
    }
    return entries
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object'
    throw new TypeError(`Object of type ${name} is not JSON serializable`)
  }
  return Object.entries(value)
}

/** Python prints an integral `int` in full, never in exponent form (`10**21`, not `1e+21`). */
function pyInt(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString()
}

/**
 * Python's `float.__repr__`: the shortest digits that round-trip (the same digits JS picks),
 * positional when the decimal exponent is in -4..15, otherwise `d.ddde+XX` with at least two
 * exponent digits; positional output always has a `.` (`1.0`), exponent output adds none (`1e+16`).
 *
 * @example
 * pyFloatRepr(1) // '1.0'
 * pyFloatRepr(1e16) // '1e+16'
 */
export function pyFloatRepr(value: number, allowNan = true): string {
  if (!Number.isFinite(value)) {
    if (!allowNan) throw new RangeError('Out of range float values are not JSON compliant')
    if (Number.isNaN(value)) return 'NaN'
    return value > 0 ? 'Infinity' : '-Infinity'
  }
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  const sign = value < 0 ? '-' : ''
  // toExponential() with no argument gives the shortest round-trip digits.
  const match = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(Math.abs(value).toExponential())
  if (!match) throw new Error(`unexpected float format for ${value}`)
  const digits = (match[1] ?? '') + (match[2] ?? '')
  const exponent = Number(match[3])
  // decpt: position of the decimal point relative to the start of `digits`.
  const decpt = exponent + 1
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`
    if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
  const exp = Math.abs(exponent).toString().padStart(2, '0')
  return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${exp}`
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
}

/**
 * A JSON string literal as Python's `ensure_ascii` encoder writes it. JS strings are UTF-16, so
 * escaping each code unit outside 0x20..0x7E yields Python's surrogate pairs for astral
 * characters, and a lone surrogate prints as its own `\udXXX` as Python does.
 *
 * @example
 * pyString('café "x"') // '"caf\\u00e9 \\"x\\""'
 */
export function pyString(value: string): string {
  let out = '"'
  let run = 0
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code >= 0x20 && code <= 0x7e && code !== 0x22 && code !== 0x5c) continue
    out += value.slice(run, i)
    const ch = value[i] as string
    out += SHORT_ESCAPES[ch] ?? `\\u${code.toString(16).padStart(4, '0')}`
    run = i + 1
  }
  return `${out}${value.slice(run)}"`
}
