/** Byte encodings used by signature headers. Decoders return `undefined` for anything malformed. */

const encoder = new TextEncoder()
const HEX = '0123456789abcdef'
const HEX_VALUE = new Int8Array(128).fill(-1)
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i
for (let i = 0; i < 6; i++) {
  HEX_VALUE[65 + i] = 10 + i
  HEX_VALUE[97 + i] = 10 + i
}

// Decoded signatures come from a shared pool, as Node's Buffer.allocUnsafe does. V8 keeps typed
// arrays of up to 64 bytes inside its heap and copies one out on its first use by native code: on
// Node that was timingSafeEqual on every request, ~200 ns of a ~2 µs 256 B verification.
const POOL_SIZE = 8192
let pool = new ArrayBuffer(POOL_SIZE)
let poolOffset = 0

function allocate(length: number): Uint8Array {
  if (length > 64) return new Uint8Array(length)
  if (poolOffset + length > POOL_SIZE) {
    pool = new ArrayBuffer(POOL_SIZE)
    poolOffset = 0
  }
  const out = new Uint8Array(pool, poolOffset, length)
  poolOffset = (poolOffset + length + 7) & ~7
  return out
}

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/**
 * Decodes hex of either case; `undefined` for odd length or a non-hex character.
 *
 * @example
 * hexToBytes('00ff') // Uint8Array [0, 255]
 * hexToBytes('0g') // undefined
 */
export function hexToBytes(hex: string): Uint8Array | undefined {
  const n = hex.length
  if (n % 2 !== 0) return undefined
  return hexInto(hex, new Uint8Array(n / 2))
}

/**
 * @internal {@link hexToBytes} into pooled memory, for signature bytes that are compared once and
 * dropped (the result's `.buffer` is shared: never hand it to users).
 */
export function hexToSignature(hex: string, start = 0): Uint8Array | undefined {
  const n = hex.length - start
  if (n % 2 !== 0) return undefined
  return hexInto(hex, allocate(n / 2), start)
}

/** Decodes `hex` from `start` (no slice: a sliced string reads slower) into `out`. */
function hexInto(hex: string, out: Uint8Array, start = 0): Uint8Array | undefined {
  const n = hex.length
  for (let i = start, j = 0; i < n; i += 2, j++) {
    const hi = hex.charCodeAt(i)
    const lo = hex.charCodeAt(i + 1)
    const h = hi < 128 ? (HEX_VALUE[hi] as number) : -1
    const l = lo < 128 ? (HEX_VALUE[lo] as number) : -1
    if (h < 0 || l < 0) return undefined
    out[j] = (h << 4) | l
  }
  return out
}

/**
 * Lowercase hex of bytes.
 *
 * @example
 * bytesToHex(new Uint8Array([0, 255])) // '00ff'
 */
export function bytesToHex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number
    out += (HEX[b >> 4] as string) + (HEX[b & 15] as string)
  }
  return out
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const B64_VALUE = new Int8Array(128).fill(-1)
for (let i = 0; i < 64; i++) B64_VALUE[B64.charCodeAt(i)] = i

/**
 * Decodes standard base64. Padding is required (`=`), as every supported sender pads; the
 * URL-safe alphabet is accepted too. `undefined` for anything else.
 *
 * @example
 * base64ToBytes('AP8=') // Uint8Array [0, 255]
 * base64ToBytes('AP8') // undefined: no padding
 */
export function base64ToBytes(text: string): Uint8Array | undefined {
  const n = text.length
  if (n % 4 !== 0) return undefined
  let pad = 0
  if (n > 0 && text.charCodeAt(n - 1) === 61) pad++
  if (n > 1 && text.charCodeAt(n - 2) === 61) pad++
  return base64Into(text, new Uint8Array((n / 4) * 3 - pad), pad)
}

/** @internal {@link base64ToBytes} into pooled memory; see {@link hexToSignature}. */
export function base64ToSignature(text: string): Uint8Array | undefined {
  const n = text.length
  if (n % 4 !== 0) return undefined
  let pad = 0
  if (n > 0 && text.charCodeAt(n - 1) === 61) pad++
  if (n > 1 && text.charCodeAt(n - 2) === 61) pad++
  return base64Into(text, allocate((n / 4) * 3 - pad), pad)
}

function base64Into(text: string, out: Uint8Array, pad: number): Uint8Array | undefined {
  const n = text.length
  let o = 0
  let acc = 0
  for (let i = 0; i < n; i += 4) {
    acc = 0
    for (let k = 0; k < 4; k++) {
      const c = text.charCodeAt(i + k)
      let v: number
      // 45 '-' and 95 '_' are 62 and 63 in the URL-safe alphabet
      if (c === 61 && i + k >= n - pad) v = 0
      else if (c === 45) v = 62
      else if (c === 95) v = 63
      else v = c < 128 ? (B64_VALUE[c] as number) : -1
      if (v < 0) return undefined
      acc = (acc << 6) | v
    }
    out[o++] = (acc >> 16) & 255
    if (o < out.length) out[o++] = (acc >> 8) & 255
    if (o < out.length) out[o++] = acc & 255
  }
  // canonical only: bits under the padding must be zero, or two header values would decode alike
  if (pad > 0 && (acc & (pad === 1 ? 0xff : 0xffff)) !== 0) return undefined
  return out
}

/**
 * Standard, padded base64 of bytes.
 *
 * @example
 * bytesToBase64(new Uint8Array([0, 255])) // 'AP8='
 */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number)
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!
  }
  const rest = bytes.length - i
  if (rest === 1) {
    const n = (bytes[i] as number) << 16
    out += `${B64[(n >> 18) & 63]!}${B64[(n >> 12) & 63]!}==`
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8)
    out += `${B64[(n >> 18) & 63]!}${B64[(n >> 12) & 63]!}${B64[(n >> 6) & 63]!}=`
  }
  return out
}

/** Body input accepted by the verifier. A string is taken as UTF-8: a last resort. */
export type BodyInput = Uint8Array | ArrayBuffer | string

/** The body as bytes without copying (a `Buffer` stays the same object); `undefined` if not bytes. */
export function toBytes(body: unknown): Uint8Array | undefined {
  if (body instanceof Uint8Array) return body
  if (typeof body === 'string') return encoder.encode(body)
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
  if (body === undefined || body === null) return new Uint8Array(0)
  return undefined
}
