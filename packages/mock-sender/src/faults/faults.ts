/**
 * The one list of faults, shared by the library, the CLI (`--fault`) and `conformance`. Each
 * names what a correct receiver answers, so a report can say "expected 401 SIGNATURE_MISMATCH,
 * got 200" without any knowledge of the receiver.
 */
import { bodyText, MOCK_PROVIDERS, type MockProvider, type UnsignedDelivery } from '../delivery.js'

/**
 * The name of one fault in {@link FAULTS}, as `--fault` takes it.
 *
 * @example
 * const name: FaultName = 'stale-timestamp'
 */
export type FaultName =
  | 'tampered-body'
  | 'tampered-signature'
  | 'wrong-secret'
  | 'rotated-secret'
  | 'stale-timestamp'
  | 'future-timestamp'
  | 'missing-signature'
  | 'malformed-signature'
  | 'duplicate'
  | 'concurrent-duplicate'
  | 'reserialized-body'

/**
 * A class of statuses: `'2xx'` is any status from 200 to 299 (accepted), `'4xx'` any from 400 to
 * 499 (rejected, not to be retried).
 *
 * @example
 * const accepted: StatusClass = '2xx'
 */
export type StatusClass = '2xx' | '4xx'

/**
 * One acceptable answer to one request: a status class, or a list of classes and exact statuses.
 * What a correct receiver must do, not the exact status hookproof picks: any 2xx accepts, any 4xx
 * rejects.
 *
 * @example
 * const rejected: ExpectedResponse = { status: '4xx', code: 'SIGNATURE_MISMATCH' }
 * const inFlight: ExpectedResponse = { status: ['2xx', 409], code: 'DUPLICATE_DELIVERY' }
 */
export interface ExpectedResponse {
  status: StatusClass | readonly (StatusClass | number)[]
  /**
   * The error code a hookproof receiver puts in its problem+json body. Informative: a receiver
   * that rejects with another code (or none) still rejects.
   */
  code?: string
}

/**
 * One fault: what it sends and what a correct receiver answers.
 *
 * @example
 * const fault: Fault = getFault('duplicate')
 * fault.expect // [{ status: '2xx' }, { status: '2xx', code: 'DUPLICATE_DELIVERY' }]
 */
export interface Fault {
  name: FaultName
  /** One line for `--help` and reports. */
  summary: string
  /** Requests the case sends. */
  requests: 1 | 2
  /** The requests are sent at the same time; `expect` is then matched in any order. */
  concurrent: boolean
  /** Per request, in order (any order when `concurrent`). */
  expect: readonly ExpectedResponse[]
  /** Times the receiver's handler should run over the whole case. */
  handlerCalls: 0 | 1
  /** Providers whose scheme makes the fault meaningful. */
  appliesTo: readonly MockProvider[]
  /** Why a fault that is not for every provider applies where it does, in words (for reports). */
  appliesWhen?: string
}

const ALL = MOCK_PROVIDERS
/** Schemes that sign a timestamp (VENDORS.md 3.4). */
const SIGNED_TIMESTAMP: readonly MockProvider[] = ['designer-cloud', 'standard-webhooks', 'up42']
/**
 * Providers with a dedup key: a delivery id, or a signature value that repeats with the delivery.
 * Xplenty has neither (its signature may be constant per event type), so a duplicate cannot be
 * told from a new event.
 */
const DEDUPLICABLE: readonly MockProvider[] = ALL.filter((p) => p !== 'xplenty')
const WHEN_SIGNED_TIMESTAMP = 'the scheme signs a timestamp'
const WHEN_DEDUPLICABLE = 'a delivery can be told from a new one by an id or a signature that repeats with it'

const rejected = (code: string): readonly ExpectedResponse[] => [{ status: '4xx', code }]

/**
 * Every fault, with the answer a correct receiver gives.
 *
 * @example
 * FAULTS.find((f) => f.name === 'stale-timestamp')?.expect // [{ status: '4xx', code: 'TIMESTAMP_TOO_OLD' }]
 */
export const FAULTS: readonly Fault[] = Object.freeze([
  {
    name: 'tampered-body',
    summary: 'one byte of the body changed after signing',
    requests: 1,
    concurrent: false,
    expect: rejected('SIGNATURE_MISMATCH'),
    handlerCalls: 0,
    appliesTo: ALL,
  },
  {
    name: 'tampered-signature',
    summary: 'one digit of the signature changed; still well-formed',
    requests: 1,
    concurrent: false,
    expect: rejected('SIGNATURE_MISMATCH'),
    handlerCalls: 0,
    appliesTo: ALL,
  },
  {
    name: 'wrong-secret',
    summary: 'signed with a secret the receiver does not know',
    requests: 1,
    concurrent: false,
    expect: rejected('SIGNATURE_MISMATCH'),
    handlerCalls: 0,
    appliesTo: ALL,
  },
  {
    name: 'rotated-secret',
    summary: 'signed with the previous secret, which the receiver still accepts during rotation',
    requests: 1,
    concurrent: false,
    expect: [{ status: '2xx' }],
    handlerCalls: 1,
    appliesTo: ALL,
  },
  {
    name: 'stale-timestamp',
    summary: 'signed timestamp older than the tolerance (default 300 s)',
    requests: 1,
    concurrent: false,
    expect: rejected('TIMESTAMP_TOO_OLD'),
    handlerCalls: 0,
    appliesTo: SIGNED_TIMESTAMP,
    appliesWhen: WHEN_SIGNED_TIMESTAMP,
  },
  {
    name: 'future-timestamp',
    summary: 'signed timestamp further in the future than the tolerance',
    requests: 1,
    concurrent: false,
    expect: rejected('TIMESTAMP_IN_FUTURE'),
    handlerCalls: 0,
    appliesTo: SIGNED_TIMESTAMP,
    appliesWhen: WHEN_SIGNED_TIMESTAMP,
  },
  {
    name: 'missing-signature',
    summary: 'no signature header at all',
    requests: 1,
    concurrent: false,
    expect: rejected('MISSING_SIGNATURE'),
    handlerCalls: 0,
    appliesTo: ALL,
  },
  {
    name: 'malformed-signature',
    summary: 'signature header present but not in the scheme grammar',
    requests: 1,
    concurrent: false,
    expect: rejected('MALFORMED_SIGNATURE'),
    handlerCalls: 0,
    appliesTo: ALL,
  },
  {
    name: 'duplicate',
    summary: 'the same signed delivery sent again after the first was answered',
    requests: 2,
    concurrent: false,
    // the copy is acknowledged (2xx, so the vendor stops retrying) without running the handler
    expect: [{ status: '2xx' }, { status: '2xx', code: 'DUPLICATE_DELIVERY' }],
    handlerCalls: 1,
    appliesTo: DEDUPLICABLE,
    appliesWhen: WHEN_DEDUPLICABLE,
  },
  {
    name: 'concurrent-duplicate',
    summary: 'the same signed delivery sent twice at once',
    requests: 2,
    concurrent: true,
    // the copy waits and is acknowledged, or gets 409 (in flight: the vendor retries it later)
    expect: [{ status: '2xx' }, { status: ['2xx', 409], code: 'DUPLICATE_DELIVERY' }],
    handlerCalls: 1,
    appliesTo: DEDUPLICABLE,
    appliesWhen: WHEN_DEDUPLICABLE,
  },
  {
    name: 'reserialized-body',
    summary: 'signed over the vendor bytes, sent as a JSON parser re-emits them (JSON.stringify)',
    requests: 1,
    concurrent: false,
    expect: rejected('SIGNATURE_MISMATCH'),
    handlerCalls: 0,
    appliesTo: ['orchest'],
    appliesWhen: "the vendor's JSON bytes differ from what JSON.stringify re-emits, as Orchest's json.dumps do",
  },
] satisfies Fault[])

/**
 * The fault names, in {@link FAULTS} order.
 *
 * @example
 * FAULT_NAMES.includes('wrong-secret') // true
 */
export const FAULT_NAMES: readonly FaultName[] = Object.freeze(FAULTS.map((f) => f.name))

/**
 * Looks a fault up by name.
 *
 * @example
 * getFault('missing-signature').expect // [{ status: '4xx', code: 'MISSING_SIGNATURE' }]
 *
 * @throws {TypeError} naming the valid faults when `name` is not one.
 */
export function getFault(name: string): Fault {
  const fault = FAULTS.find((f) => f.name === name)
  if (!fault) throw new TypeError(`unknown fault "${name}"; one of: ${FAULT_NAMES.join(', ')}`)
  return fault
}

/**
 * The faults meaningful for a provider, in {@link FAULTS} order.
 *
 * @example
 * faultsFor('xplenty').some((f) => f.name === 'duplicate') // false: Xplenty has no dedup key
 */
export function faultsFor(provider: MockProvider): Fault[] {
  return FAULTS.filter((f) => f.appliesTo.includes(provider))
}

/**
 * The body as a JSON parser re-emits it (`JSON.stringify(JSON.parse(text))`), or `undefined`
 * when the body is not JSON or re-emits byte-identical (then `reserialized-body` tests nothing).
 *
 * @example
 * reserializedBody(orchestPing({ seed: 1 })) // '{"delivered_for":{"name":"Test webhook",...'
 */
export function reserializedBody(delivery: Pick<UnsignedDelivery, 'body'>): string | undefined {
  const text = bodyText(delivery)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const again = JSON.stringify(value)
  return again === text ? undefined : again
}

/**
 * Whether `fault` is meaningful for this particular delivery: its provider is listed, a body
 * fault has a body to tamper with, and a re-serialised body differs from the original.
 *
 * @example
 * faultApplies('stale-timestamp', orchestPing({ seed: 1 })) // false: Orchest signs no timestamp
 */
export function faultApplies(fault: Fault | FaultName, delivery: UnsignedDelivery): boolean {
  const f = typeof fault === 'string' ? getFault(fault) : fault
  if (!f.appliesTo.includes(delivery.provider)) return false
  if (f.name === 'tampered-body') return delivery.body.length > 0
  if (f.name === 'reserialized-body') return reserializedBody(delivery) !== undefined
  return true
}

/**
 * Whether one status is an answer `expected` allows.
 *
 * @example
 * statusMatches({ status: '2xx' }, 204) // true
 * statusMatches({ status: '4xx', code: 'SIGNATURE_MISMATCH' }, 400) // true: any 4xx rejects
 */
export function statusMatches(expected: ExpectedResponse, status: number): boolean {
  const one = (s: StatusClass | number) =>
    s === '2xx' ? status >= 200 && status <= 299 : s === '4xx' ? status >= 400 && status <= 499 : s === status
  return typeof expected.status === 'string' ? one(expected.status) : expected.status.some(one)
}

/**
 * Whether the statuses a receiver gave (in send order) are what `fault` calls for; concurrent
 * cases are matched in any order.
 *
 * @example
 * statusesMatch(getFault('concurrent-duplicate'), [409, 202]) // true
 */
export function statusesMatch(fault: Fault, statuses: readonly number[]): boolean {
  if (statuses.length !== fault.expect.length) return false
  if (!fault.concurrent) return fault.expect.every((e, i) => statusMatches(e, statuses[i] as number))
  const [a, b] = statuses as [number, number]
  const [x, y] = fault.expect as [ExpectedResponse, ExpectedResponse]
  return (statusMatches(x, a) && statusMatches(y, b)) || (statusMatches(x, b) && statusMatches(y, a))
}
