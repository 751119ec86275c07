// The codes, their HTTP statuses and the `Failure` record: what every step of a request and the
// on-demand code (on-demand.ts) need. The error class, titles and problem bodies are errors.ts, which
// re-exports these; the on-demand module imports only this file of the verifier's, so a bundler that
// splits by file shares nothing else with it.
/**
 * Every way a delivery can fail, as a stable code. Callers branch on `code`, never on message
 * text. One table maps each code to the HTTP status every adapter answers with.
 *
 * @example
 * const result = await verifier.check({ body, headers })
 * if (!result.ok && result.code === 'TIMESTAMP_TOO_OLD') metrics.increment('webhook.stale')
 */
export type WebhookErrorCode =
  | 'MISSING_SIGNATURE'
  | 'MALFORMED_SIGNATURE'
  | 'SIGNATURE_MISMATCH'
  | 'MISSING_TIMESTAMP'
  | 'TIMESTAMP_TOO_OLD'
  | 'TIMESTAMP_IN_FUTURE'
  | 'BODY_NOT_AUTHENTICATED'
  | 'DUPLICATE_DELIVERY'
  | 'BODY_TOO_LARGE'
  | 'BODY_TIMEOUT'
  | 'BODY_ALREADY_PARSED'
  | 'INVALID_PAYLOAD'
  | 'STORE_UNAVAILABLE'
  | 'PAYLOAD_SCHEMA_MISMATCH'
  | 'UNKNOWN_EVENT'

/**
 * HTTP status per code. `DUPLICATE_DELIVERY` is 200 for a completed delivery, 409 while in flight.
 *
 * @example
 * STATUS.SIGNATURE_MISMATCH // 401
 * STATUS.BODY_TOO_LARGE // 413
 */
export const STATUS: Readonly<Record<WebhookErrorCode, number>> = Object.freeze({
  MISSING_SIGNATURE: 401,
  MALFORMED_SIGNATURE: 400,
  SIGNATURE_MISMATCH: 401,
  MISSING_TIMESTAMP: 400,
  TIMESTAMP_TOO_OLD: 401,
  TIMESTAMP_IN_FUTURE: 401,
  BODY_NOT_AUTHENTICATED: 401,
  DUPLICATE_DELIVERY: 409,
  BODY_TOO_LARGE: 413,
  BODY_TIMEOUT: 408,
  BODY_ALREADY_PARSED: 500,
  INVALID_PAYLOAD: 400,
  STORE_UNAVAILABLE: 503,
  PAYLOAD_SCHEMA_MISMATCH: 422,
  UNKNOWN_EVENT: 422,
})

/**
 * A rejection as a plain record: what `check()` returns and what the flow passes around, so a
 * forged request never pays for an `Error` and its stack.
 *
 * @example
 * const result = await verifier.check({ body, headers })
 * if (!result.ok) return new Response(null, { status: result.status }) // result is a Failure
 */
export interface Failure {
  readonly ok: false
  readonly code: WebhookErrorCode
  readonly status: number
  readonly message: string
  /** Provider the request was checked against (or resembled), when known. */
  readonly provider?: string
  /** Seconds to wait before retrying (409 in-flight duplicates, 503 store outages). */
  readonly retryAfter?: number
  /** @internal lazily evaluated diagnostics; never serialised. */
  readonly hints?: () => Promise<string[]>
  /** Whether a problem body built from this failure carries `detail`; see {@link ProblemOptions}. */
  readonly exposeDetails?: boolean
}

/** Builds a {@link Failure}; `status` comes from the one table unless overridden. */
export function fail(
  code: WebhookErrorCode,
  message: string,
  extra?: { provider?: string; status?: number; retryAfter?: number; hints?: () => Promise<string[]> },
): Failure {
  return {
    ok: false,
    code,
    status: extra?.status ?? STATUS[code],
    message,
    provider: extra?.provider,
    retryAfter: extra?.retryAfter,
    hints: extra?.hints,
  }
}

/**
 * `true` when a value is a `Failure` record.
 *
 * @example
 * const result = await verifier.check({ body, headers })
 * if (isFailure(result)) metrics.increment(`webhook.${result.code}`)
 */
export function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false
}
