/**
 * Turns one unsigned delivery into the requests of a test case: the valid delivery or one fault
 * from `FAULTS`. Sending them (HTTP, retries, reporting) is the caller's job; what goes on the
 * wire for each fault is the fault row's `build`, for the library, the CLI, `conformance` and
 * the inspector alike.
 */
import { rowOf, type UnsignedDelivery } from '../delivery.js'
import { type SignDeliveryOptions, type SignedDelivery, signDelivery } from '../sign.js'
import type { ExpectedResponse } from './expect.js'
import { type CaseOptions, type Fault, type FaultContext, type FaultName, faultApplies, getFault } from './faults.js'

export type { CaseOptions } from './faults.js'

/**
 * The requests of one case and what a correct receiver answers.
 *
 * @example
 * const c: DeliveryCase = await buildCase(createDelivery('orchest'), 'duplicate', { secret: 'test-secret-1' })
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
 * (await buildCase(createDelivery('orchest'), 'valid', { secret: 'test-secret-1' })).expect === VALID_EXPECT // true
 */
export const VALID_EXPECT: readonly ExpectedResponse[] = Object.freeze([{ status: '2xx' }])

/**
 * Builds the requests of one case for `delivery`.
 *
 * @example
 * const c = await buildCase(createDelivery('orchest'), 'tampered-body', { secret: 'test-secret-1' })
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
  if (!(await faultApplies(fault, delivery))) {
    throw new TypeError(`fault "${name}" does not apply to this ${delivery.provider} delivery`)
  }
  const context: FaultContext = {
    delivery,
    row: rowOf(delivery),
    options,
    now,
    toleranceMs: (options.toleranceSeconds ?? 300) * 1000,
    sign: (overrides) => signDelivery(delivery, { ...base, ...overrides }),
  }
  return {
    name,
    fault,
    requests: await fault.build(context),
    concurrent: fault.concurrent,
    expect: fault.expect,
    handlerCalls: fault.handlerCalls,
  }
}
