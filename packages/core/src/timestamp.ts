import { type Failure, fail } from './failure.js'
import { toMs } from './header-values.js'

export { toMs }

/** Longest accepted timestamp: 16 digits stays an exact integer and covers ms far beyond any clock. */
const MAX_DIGITS = 16

/** Parses a signed timestamp: ASCII digits only. Negative, signed, fractional or absurd values are malformed. */
export function parseTimestamp(text: string, what: string): number | Failure {
  if (!/^\d+$/.test(text)) {
    return fail(
      'MALFORMED_SIGNATURE',
      `${what} must be digits only; got ${text.length > 24 ? `${text.length} characters` : JSON.stringify(text)}`,
    )
  }
  if (text.length > MAX_DIGITS) return fail('MALFORMED_SIGNATURE', `${what} has ${text.length} digits; no clock is that far off`)
  return Number(text)
}

function span(ms: number): string {
  const s = Math.round(ms / 1000)
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min (${s} s)` : `${Math.round(s / 3600)} h (${s} s)`
}

/**
 * Two-sided tolerance: older than `toleranceMs` is too old, further ahead than it is in the
 * future (clock skew up to the tolerance is allowed both ways).
 */
export function checkTolerance(timestampMs: number, nowMs: number, toleranceMs: number, what: string): Failure | undefined {
  const age = nowMs - timestampMs
  if (age > toleranceMs) {
    return fail('TIMESTAMP_TOO_OLD', `${what} is ${span(age)} old, beyond the ${span(toleranceMs)} tolerance`)
  }
  if (-age > toleranceMs) {
    return fail('TIMESTAMP_IN_FUTURE', `${what} is ${span(-age)} in the future, beyond the ${span(toleranceMs)} tolerance`)
  }
  return undefined
}
