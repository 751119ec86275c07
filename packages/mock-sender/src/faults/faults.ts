/**
 * The one list of faults, shared by the library, the CLI (`--fault`), `conformance` and the
 * inspector. Each row holds, together, what it changes (`build`), where it means something
 * (`applies`, read from the provider row's facts) and what a correct receiver must answer
 * (`expect`), so a report can say "expected 401 SIGNATURE_MISMATCH, got 200" without any
 * knowledge of the receiver, and a new provider gets every fault that fits it without an edit here.
 */
import type { Provider } from '@hookproof/core'
import { bodyText, type MockProvider, rowOf, type UnsignedDelivery } from '../delivery.js'
import type { SignDeliveryOptions, SignedDelivery } from '../sign.js'
import { vendorOf } from '../vendors/index.js'
import type { ExpectedResponse } from './expect.js'
import { type RowFacts, rowFacts } from './scope.js'
import { defaultWrongSecret, malformSignature, tamperBody, tamperSignature, withoutSignature } from './tamper.js'

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
 * Options of a case: signing options plus what some faults need.
 *
 * @example
 * const options: CaseOptions = { secret: 'test-secret-1', previousSecret: 'test-secret-0', toleranceSeconds: 300 }
 * await buildCase(createDelivery('up42', { seed: 1 }), 'rotated-secret', options)
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
 * What a fault's `build` gets: the delivery, its row, the case options and a signer bound to them.
 *
 * @example
 * build: async (c: FaultContext) => [await c.sign({ now: c.now - c.toleranceMs - 60_000 })]
 */
export interface FaultContext {
  readonly delivery: UnsignedDelivery
  readonly row: Provider
  readonly options: CaseOptions
  /** The signing clock of the case, ms. */
  readonly now: number
  /** The receiver's tolerance, ms. */
  readonly toleranceMs: number
  /** Signs `delivery` with the case's options, `overrides` applied. */
  sign(overrides?: Partial<SignDeliveryOptions>): Promise<SignedDelivery>
}

/**
 * One fault: what it sends, where it applies and what a correct receiver answers.
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
  /** Where a fault that is not for every delivery applies, in words (for reports and `--list faults`). */
  appliesWhen?: string
  /** Whether the fault means something for a provider with these facts and for this delivery. */
  applies(facts: RowFacts, delivery: UnsignedDelivery): boolean
  /** The requests of the case, in send order. */
  build(context: FaultContext): Promise<SignedDelivery[]>
}

const rejected = (code: string): readonly ExpectedResponse[] => [{ status: '4xx', code }]
const always = (): boolean => true
const signsTimestamp = (facts: RowFacts): boolean => facts.signsTimestamp
const dedupKey = (facts: RowFacts): boolean => facts.dedupKey
const WHEN_SIGNED_TIMESTAMP = 'the scheme signs a timestamp'
const WHEN_DEDUPLICABLE = 'a delivery can be told from a new one by an id or a signature that repeats with it'
/** Timestamp faults go this far beyond the tolerance, so clock skew cannot save them. */
const BEYOND_MS = 60_000

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
    appliesWhen: 'the delivery has a body',
    applies: (_facts, delivery) => delivery.body.length > 0,
    build: async (c) => {
      const signed = await c.sign()
      return [{ ...signed, body: tamperBody(signed.body) }]
    },
  },
  {
    name: 'tampered-signature',
    summary: 'one digit of the signature changed; still well-formed',
    requests: 1,
    concurrent: false,
    expect: rejected('SIGNATURE_MISMATCH'),
    handlerCalls: 0,
    applies: always,
    build: async (c) => [tamperSignature(c.row, await c.sign())],
  },
  {
    name: 'wrong-secret',
    summary: 'signed with a secret the receiver does not know',
    requests: 1,
    concurrent: false,
    expect: rejected('SIGNATURE_MISMATCH'),
    handlerCalls: 0,
    applies: always,
    build: async (c) => [await c.sign({ secret: c.options.wrongSecret ?? defaultWrongSecret(c.options.secret) })],
  },
  {
    name: 'rotated-secret',
    summary: 'signed with the previous secret, which the receiver still accepts during rotation',
    requests: 1,
    concurrent: false,
    expect: [{ status: '2xx' }],
    handlerCalls: 1,
    applies: always,
    build: async (c) => {
      if (c.options.previousSecret === undefined) {
        throw new TypeError('rotated-secret needs previousSecret (configure the receiver with both secrets)')
      }
      return [await c.sign({ secret: c.options.previousSecret })]
    },
  },
  {
    name: 'stale-timestamp',
    summary: 'signed timestamp older than the tolerance (default 300 s)',
    requests: 1,
    concurrent: false,
    expect: rejected('TIMESTAMP_TOO_OLD'),
    handlerCalls: 0,
    appliesWhen: WHEN_SIGNED_TIMESTAMP,
    applies: signsTimestamp,
    build: async (c) => [await c.sign({ now: c.now - c.toleranceMs - BEYOND_MS })],
  },
  {
    name: 'future-timestamp',
    summary: 'signed timestamp further in the future than the tolerance',
    requests: 1,
    concurrent: false,
    expect: rejected('TIMESTAMP_IN_FUTURE'),
    handlerCalls: 0,
    appliesWhen: WHEN_SIGNED_TIMESTAMP,
    applies: signsTimestamp,
    build: async (c) => [await c.sign({ now: c.now + c.toleranceMs + BEYOND_MS })],
  },
  {
    name: 'missing-signature',
    summary: 'no signature header at all',
    requests: 1,
    concurrent: false,
    expect: rejected('MISSING_SIGNATURE'),
    handlerCalls: 0,
    applies: always,
    build: async (c) => [withoutSignature(c.row, await c.sign())],
  },
  {
    name: 'malformed-signature',
    summary: 'signature header present but not in the scheme grammar',
    requests: 1,
    concurrent: false,
    expect: rejected('MALFORMED_SIGNATURE'),
    handlerCalls: 0,
    applies: always,
    build: async (c) => [malformSignature(c.row, await c.sign())],
  },
  {
    name: 'duplicate',
    summary: 'the same signed delivery sent again after the first was answered',
    requests: 2,
    concurrent: false,
    // the copy is acknowledged (2xx, so the vendor stops retrying) without running the handler
    expect: [{ status: '2xx' }, { status: '2xx', code: 'DUPLICATE_DELIVERY' }],
    handlerCalls: 1,
    appliesWhen: WHEN_DEDUPLICABLE,
    applies: dedupKey,
    build: async (c) => twice(await c.sign()),
  },
  {
    name: 'concurrent-duplicate',
    summary: 'the same signed delivery sent twice at once',
    requests: 2,
    concurrent: true,
    // the copy waits and is acknowledged, or gets 409 (in flight: the vendor retries it later)
    expect: [{ status: '2xx' }, { status: ['2xx', 409], code: 'DUPLICATE_DELIVERY' }],
    handlerCalls: 1,
    appliesWhen: WHEN_DEDUPLICABLE,
    applies: dedupKey,
    build: async (c) => twice(await c.sign()),
  },
  {
    name: 'reserialized-body',
    summary: 'signed over the vendor bytes, sent as a JSON parser re-emits them (JSON.stringify)',
    requests: 1,
    concurrent: false,
    expect: rejected('SIGNATURE_MISMATCH'),
    handlerCalls: 0,
    appliesWhen: "the vendor's JSON bytes differ from what JSON.stringify re-emits, as Orchest's json.dumps do",
    applies: (_facts, delivery) => reserializedBody(delivery) !== undefined,
    build: async (c) => {
      const signed = await c.sign()
      return [{ ...signed, body: new TextEncoder().encode(reserializedBody(c.delivery) as string) }]
    },
  },
] satisfies Fault[])

function twice(signed: SignedDelivery): SignedDelivery[] {
  return [signed, { ...signed, headers: { ...signed.headers }, body: signed.body.slice() }]
}

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
 * Whether `fault` is meaningful for this particular delivery: its row's facts (a signed
 * timestamp, a dedup key) and the delivery itself (a body to tamper with, a body that
 * re-serialises differently).
 *
 * @example
 * await faultApplies('stale-timestamp', orchestPing({ seed: 1 })) // false: Orchest signs no timestamp
 */
export async function faultApplies(fault: Fault | FaultName, delivery: UnsignedDelivery): Promise<boolean> {
  const f = typeof fault === 'string' ? getFault(fault) : fault
  return f.applies(await rowFacts(rowOf(delivery)), delivery)
}

/**
 * The faults meaningful for a provider's default delivery, in {@link FAULTS} order.
 *
 * @example
 * (await faultsFor('xplenty')).some((f) => f.name === 'duplicate') // false: Xplenty has no dedup key
 */
export async function faultsFor(provider: MockProvider | Provider): Promise<Fault[]> {
  const { row, vendor } = vendorOf(provider)
  const facts = await rowFacts(row)
  const delivery = vendor.create({ seed: 'hookproof-scope' })
  return FAULTS.filter((f) => f.applies(facts, delivery))
}
