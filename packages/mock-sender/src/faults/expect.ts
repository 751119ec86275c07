/**
 * What a correct receiver answers, as data, and the comparison of an answer with it.
 */
import type { Fault } from './faults.js'

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
export function statusesMatch(fault: Pick<Fault, 'expect' | 'concurrent'>, statuses: readonly number[]): boolean {
  if (statuses.length !== fault.expect.length) return false
  if (!fault.concurrent) return fault.expect.every((e, i) => statusMatches(e, statuses[i] as number))
  const [a, b] = statuses as [number, number]
  const [x, y] = fault.expect as [ExpectedResponse, ExpectedResponse]
  return (statusMatches(x, a) && statusMatches(y, b)) || (statusMatches(x, b) && statusMatches(y, a))
}
