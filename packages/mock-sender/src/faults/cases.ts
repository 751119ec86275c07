/**
 * Turns one unsigned delivery into the requests of a test case: the valid delivery or one fault
 * from {@link FAULTS}. Sending them (HTTP, retries, reporting) is the caller's job; what goes on
 * the wire for each fault is decided here, once, for the library, the CLI and `conformance`.
 */
import { providers } from '@hookproof/core'
import type { UnsignedDelivery } from '../delivery.js'
import { type SignDeliveryOptions, type SignedDelivery, signDelivery } from '../sign.js'
import { type ExpectedResponse, type Fault, type FaultName, faultApplies, getFault, reserializedBody } from './faults.js'

/**
 * Options of {@link buildCase}: signing options plus what some faults need.
 *
 * @example
 * const options: CaseOptions = { secret: 'test-secret-1', previousSecret: 'test-secret-0', toleranceSeconds: 300 }
 * await buildCase(up42Event({ seed: 1 }), 'rotated-secret', options)
 */
export interface CaseOptions extends SignDeliveryOptions {
  /** The secret the receiver used before rotation; required by `rotated-secret`. */
  previousSecret?: string
  /** Secret for `wrong-secret`; default derived from `secret` (a valid `whsec_` key for Standard Webhooks). */
  wrongSecret?: string
  /** The receiver's tolerance; timestamp faults go 60 s beyond it. Default 300. */
  toleranceSeconds?: number
}

/**
 * The requests of one case and what a correct receiver answers.
 *
 * @example
 * const c: DeliveryCase = await buildCase(orchestPing(), 'duplicate', { secret: 'test-secret-1' })
 * c.requests.length // 2
 */
export interface DeliveryCase {
  name: 'valid' | FaultName
  /** Absent for the valid case. */
  fault?: Fault
  requests: SignedDelivery[]
  concurrent: boolean
  /** Per request (any order when `concurrent`). */
  expect: readonly ExpectedResponse[]
  /** Times the receiver's handler should run over the case. */
  handlerCalls: number
}

/**
 * What the valid case expects: one 2xx, the handler run once.
 *
 * @example
 * (await buildCase(orchestPing(), 'valid', { secret: 'test-secret-1' })).expect === VALID_EXPECT // true
 */
export const VALID_EXPECT: readonly ExpectedResponse[] = Object.freeze([{ status: '2xx' }])

/** Where the signature digits start in a header value (after `sha256=`, `up42-sig=`, `v1,`). */
function digitsStart(value: string): number {
  for (const marker of ['sha256=', 'sha1=', 'up42-sig=', 'v1,']) {
    const at = value.lastIndexOf(marker)
    if (at >= 0) return at + marker.length
  }
  return 0
}

function signatureHeaderNames(delivery: UnsignedDelivery): string[] {
  const row = (providers as Record<string, { signatureHeaders: readonly string[] }>)[delivery.provider]
  if (row === undefined) throw new TypeError(`unknown provider ${delivery.provider}`)
  return [...row.signatureHeaders]
}

/** The canonical signature header as sent: the first of the row's names present in `headers`. */
function findSignatureHeader(signed: SignedDelivery): string {
  const wanted = signatureHeaderNames(signed)
  const names = Object.keys(signed.headers)
  for (const w of wanted) {
    const name = names.find((n) => n.toLowerCase() === w)
    if (name !== undefined) return name
  }
  throw new Error(`sign(${signed.provider}) returned none of ${wanted.join(', ')}`)
}

/**
 * The first signature digit flipped (`0` becomes `1`, anything else `0`): still valid hex and
 * base64, and the first base64 digit carries only data bits, so the decoded MAC changes.
 *
 * @example
 * tamperSignatureValue('sha256=abc123') // 'sha256=0bc123'
 */
export function tamperSignatureValue(value: string): string {
  const i = digitsStart(value)
  const c = value[i]
  if (c === undefined) return `${value}0`
  return `${value.slice(0, i)}${c === '0' ? '1' : '0'}${value.slice(i + 1)}`
}

/**
 * Keeps the scheme prefix and replaces the digits with characters neither hex nor base64.
 *
 * @example
 * malformSignatureValue('sha256=abc123') // 'sha256=!not-hex-or-base64!'
 */
export function malformSignatureValue(value: string): string {
  return `${value.slice(0, digitsStart(value))}!not-hex-or-base64!`
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

function withHeaders(signed: SignedDelivery, edit: (headers: Record<string, string>) => void): SignedDelivery {
  const headers = { ...signed.headers }
  edit(headers)
  return { ...signed, headers }
}

/**
 * Builds the requests of one case for `delivery`.
 *
 * @example
 * const c = await buildCase(orchestPing(), 'tampered-body', { secret: 'test-secret-1' })
 * c.expect // [{ status: '4xx', code: 'SIGNATURE_MISMATCH' }]
 * @throws {TypeError} when the fault does not apply to this delivery (see `faultApplies`), or
 *   `rotated-secret` is asked for without `previousSecret`.
 */
export async function buildCase(delivery: UnsignedDelivery, name: 'valid' | FaultName, options: CaseOptions): Promise<DeliveryCase> {
  const now = options.now ?? Date.now()
  const base: SignDeliveryOptions = { ...options, now }
  if (name === 'valid') {
    const signed = await signDelivery(delivery, base)
    return { name, requests: [signed], concurrent: false, expect: VALID_EXPECT, handlerCalls: 1 }
  }
  const fault = getFault(name)
  if (!faultApplies(fault, delivery)) {
    throw new TypeError(`fault "${name}" does not apply to this ${delivery.provider} delivery`)
  }
  const toleranceMs = (options.toleranceSeconds ?? 300) * 1000
  const one = (request: SignedDelivery): DeliveryCase => ({
    name,
    fault,
    requests: [request],
    concurrent: fault.concurrent,
    expect: fault.expect,
    handlerCalls: fault.handlerCalls,
  })
  switch (fault.name) {
    case 'tampered-body': {
      const signed = await signDelivery(delivery, base)
      return one({ ...signed, body: tamperBody(signed.body) })
    }
    case 'tampered-signature': {
      const signed = await signDelivery(delivery, base)
      const header = findSignatureHeader(signed)
      return one(
        withHeaders(signed, (h) => {
          h[header] = tamperSignatureValue(h[header] as string)
        }),
      )
    }
    case 'malformed-signature': {
      const signed = await signDelivery(delivery, base)
      const header = findSignatureHeader(signed)
      return one(
        withHeaders(signed, (h) => {
          h[header] = malformSignatureValue(h[header] as string)
        }),
      )
    }
    case 'missing-signature': {
      const signed = await signDelivery(delivery, base)
      const names = signatureHeaderNames(signed)
      return one(
        withHeaders(signed, (h) => {
          for (const key of Object.keys(h)) if (names.includes(key.toLowerCase())) delete h[key]
        }),
      )
    }
    case 'wrong-secret':
      return one(await signDelivery(delivery, { ...base, secret: options.wrongSecret ?? defaultWrongSecret(options.secret) }))
    case 'rotated-secret': {
      if (options.previousSecret === undefined) {
        throw new TypeError('rotated-secret needs previousSecret (configure the receiver with both secrets)')
      }
      return one(await signDelivery(delivery, { ...base, secret: options.previousSecret }))
    }
    case 'stale-timestamp':
      return one(await signDelivery(delivery, { ...base, now: now - toleranceMs - 60_000 }))
    case 'future-timestamp':
      return one(await signDelivery(delivery, { ...base, now: now + toleranceMs + 60_000 }))
    case 'reserialized-body': {
      const signed = await signDelivery(delivery, base)
      const text = reserializedBody(delivery) as string
      return one({ ...signed, body: new TextEncoder().encode(text) })
    }
    case 'duplicate':
    case 'concurrent-duplicate': {
      const signed = await signDelivery(delivery, base)
      return {
        name,
        fault,
        requests: [signed, { ...signed, headers: { ...signed.headers }, body: signed.body.slice() }],
        concurrent: fault.concurrent,
        expect: fault.expect,
        handlerCalls: fault.handlerCalls,
      }
    }
  }
}
