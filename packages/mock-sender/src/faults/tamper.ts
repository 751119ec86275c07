/**
 * Edits that make a signed delivery wrong in exactly one way. The signature edits find the
 * signature in whatever format the row's `sign` wrote it: the row's own `parse` decodes the signed
 * headers, and the decoded MAC is looked for, hex or base64, in the header value.
 */
import { bytesToHex, type ParsedSignature, type Provider, type RequestView } from '@hookproof/core'
import type { SignedDelivery } from '../sign.js'

/**
 * The first signature digit flipped (`0` becomes `1`, anything else `0`): still valid hex and
 * base64, and the first base64 digit carries only data bits, so the decoded MAC changes.
 *
 * @example
 * tamperSignatureValue('sha256=abc123', 7) // 'sha256=0bc123'
 */
export function tamperSignatureValue(value: string, start: number): string {
  const c = value[start]
  if (c === undefined) return `${value}0`
  return `${value.slice(0, start)}${c === '0' ? '1' : '0'}${value.slice(start + 1)}`
}

/**
 * The digits from `start` to `end` replaced with characters neither hex nor base64.
 *
 * @example
 * malformSignatureValue('sha256=abc123', 7, 13) // 'sha256=!not-hex-or-base64!'
 */
export function malformSignatureValue(value: string, start: number, end: number): string {
  return `${value.slice(0, start)}!not-hex-or-base64!${value.slice(end)}`
}

/**
 * One byte of the body changed: the last ASCII letter or digit moves to its neighbour
 * (`a`→`b`, `z`→`a`, `9`→`0`), so a JSON or form body still parses. An empty body gets one byte.
 *
 * @example
 * new TextDecoder().decode(tamperBody(new TextEncoder().encode('{"id":"a9"}'))) // '{"id":"a0"}'
 */
export function tamperBody(body: Uint8Array): Uint8Array {
  const out = body.slice()
  for (let i = out.length - 1; i >= 0; i--) {
    const b = out[i] as number
    if (b >= 0x30 && b <= 0x39) out[i] = b === 0x39 ? 0x30 : b + 1
    else if (b >= 0x41 && b <= 0x5a) out[i] = b === 0x5a ? 0x41 : b + 1
    else if (b >= 0x61 && b <= 0x7a) out[i] = b === 0x7a ? 0x61 : b + 1
    else continue
    return out
  }
  if (out.length === 0) return new Uint8Array([0x20])
  out[out.length - 1] = (out[out.length - 1] as number) ^ 0x01
  return out
}

/**
 * A different secret of the same kind: a well-formed `whsec_` key stays one.
 *
 * @example
 * defaultWrongSecret('test-secret-1') // 'test-secret-1-wrong'
 */
export function defaultWrongSecret(secret: string): string {
  if (secret.startsWith('whsec_')) {
    // 24 bytes of 0x5a, base64: a valid key that is not the receiver's (unless it chose exactly this).
    const wrong = 'whsec_WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa'
    return secret === wrong ? 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' : wrong
  }
  return `${secret}-wrong`
}

/** The request as the row's `parse` sees it. */
function viewOf(signed: SignedDelivery, headers: Readonly<Record<string, string>>): RequestView {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
  let parsed: { value: unknown } | undefined
  return {
    body: signed.body,
    // one value per name: the mock sends every header once
    header: (name: string) => lower.get(name.toLowerCase()),
    method: signed.method,
    url: signed.url,
    options: {},
    json() {
      parsed ??= { value: JSON.parse(new TextDecoder().decode(signed.body)) }
      return parsed.value
    },
  }
}

function parsedOf(row: Provider, signed: SignedDelivery, headers: Readonly<Record<string, string>>): ParsedSignature | undefined {
  try {
    const parsed = row.parse(viewOf(signed, headers))
    return 'ok' in parsed && parsed.ok === false ? undefined : (parsed as ParsedSignature)
  } catch {
    return undefined
  }
}

/** Every spelling a MAC may have in a header. */
function spellings(mac: Uint8Array): string[] {
  const hex = bytesToHex(mac)
  const b64 = Buffer.from(mac).toString('base64')
  const url = b64.replaceAll('+', '-').replaceAll('/', '_')
  return [...new Set([hex, hex.toUpperCase(), b64, b64.replace(/=+$/, ''), url, url.replace(/=+$/, '')])]
}

/**
 * Where the signature sits: the header (as sent) and the span of its digits.
 *
 * @example
 * signatureSpan(providers.github, signed) // { header: 'X-Hub-Signature-256', start: 7, end: 71 }
 * @throws {Error} when the row's `parse` rejects what its `sign` wrote, or the MAC is in no header.
 */
export function signatureSpan(row: Provider, signed: SignedDelivery): { header: string; start: number; end: number } {
  const parsed = parsedOf(row, signed, signed.headers)
  if (parsed === undefined) throw new Error(`${row.name}: parse() rejects the headers its sign() wrote`)
  const names = row.signatureHeaders.map((h) => h.toLowerCase())
  const candidates = Object.keys(signed.headers).filter((k) => names.includes(k.toLowerCase()))
  for (const mac of parsed.signatures) {
    for (const spelling of spellings(mac)) {
      for (const header of candidates) {
        const start = (signed.headers[header] as string).lastIndexOf(spelling)
        if (start >= 0) return { header, start, end: start + spelling.length }
      }
    }
  }
  throw new Error(`${row.name}: the MAC parse() read is in none of ${candidates.join(', ') || row.signatureHeaders.join(', ')}`)
}

function sameMacs(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((x, i) => bytesToHex(x) === bytesToHex(b[i] as Uint8Array))
}

/**
 * The delivery with one digit of its signature changed, still in the scheme's grammar: the row's
 * `parse` accepts it and reads another MAC (checked, so a scheme whose first digit carries padding
 * bits gets the next digit changed instead).
 *
 * @example
 * const bad = tamperSignature(providers.github, signed) // X-Hub-Signature-256 differs in one hex digit
 * @throws {Error} when no one-digit change keeps the header parseable.
 */
export function tamperSignature(row: Provider, signed: SignedDelivery): SignedDelivery {
  const { header, start, end } = signatureSpan(row, signed)
  const original = parsedOf(row, signed, signed.headers)?.signatures ?? []
  const value = signed.headers[header] as string
  for (let i = start; i < end; i++) {
    const headers = { ...signed.headers, [header]: tamperSignatureValue(value, i) }
    const parsed = parsedOf(row, signed, headers)
    if (parsed !== undefined && !sameMacs(parsed.signatures, original)) return { ...signed, headers }
  }
  throw new Error(`${row.name}: no one-digit change of ${header} is still a well-formed, different signature`)
}

/**
 * The delivery with its signature digits replaced by characters neither hex nor base64, the rest
 * of the header (prefix, timestamp, key names) kept.
 *
 * @example
 * malformSignature(providers.github, signed).headers['X-Hub-Signature-256'] // 'sha256=!not-hex-or-base64!'
 */
export function malformSignature(row: Provider, signed: SignedDelivery): SignedDelivery {
  const { header, start, end } = signatureSpan(row, signed)
  return { ...signed, headers: { ...signed.headers, [header]: malformSignatureValue(signed.headers[header] as string, start, end) } }
}

/**
 * The delivery with every signature header of the row removed.
 *
 * @example
 * Object.keys(withoutSignature(providers.orchest, signed).headers).includes('X-Hub-Signature') // false
 */
export function withoutSignature(row: Provider, signed: SignedDelivery): SignedDelivery {
  const names = row.signatureHeaders.map((h) => h.toLowerCase())
  const headers = Object.fromEntries(Object.entries(signed.headers).filter(([k]) => !names.includes(k.toLowerCase())))
  return { ...signed, headers }
}
