import { type Failure, STATUS, type WebhookErrorCode } from './failure.js'

export { type Failure, fail, isFailure, STATUS, type WebhookErrorCode } from './failure.js'

/**
 * Short human titles used in problem+json responses.
 *
 * @example
 * TITLES.SIGNATURE_MISMATCH // 'Webhook signature does not match'
 */
export const TITLES: Readonly<Record<WebhookErrorCode, string>> = Object.freeze({
  MISSING_SIGNATURE: 'Missing webhook signature',
  MALFORMED_SIGNATURE: 'Malformed webhook signature',
  SIGNATURE_MISMATCH: 'Webhook signature does not match',
  MISSING_TIMESTAMP: 'Missing webhook timestamp',
  TIMESTAMP_TOO_OLD: 'Webhook timestamp too old',
  TIMESTAMP_IN_FUTURE: 'Webhook timestamp in the future',
  BODY_NOT_AUTHENTICATED: 'Webhook body not covered by the signature',
  DUPLICATE_DELIVERY: 'Duplicate webhook delivery',
  BODY_TOO_LARGE: 'Webhook body too large',
  BODY_TIMEOUT: 'Webhook body not received in time',
  BODY_ALREADY_PARSED: 'Raw webhook body unavailable',
  INVALID_PAYLOAD: 'Invalid webhook payload',
  STORE_UNAVAILABLE: 'Replay store unavailable',
  PAYLOAD_SCHEMA_MISMATCH: 'Webhook payload does not match its schema',
  UNKNOWN_EVENT: 'Webhook event not handled',
})

/**
 * Body of an `application/problem+json` response (RFC 9457). Holds no secret or signature;
 * `detail` (the message) only where details are exposed (see {@link ProblemOptions}).
 *
 * @example
 * const problem: ProblemDetails = await response.json()
 * if (problem.code === 'DUPLICATE_DELIVERY') return // already processed
 */
export interface ProblemDetails {
  type: string
  title: string
  status: number
  code: WebhookErrorCode
  /** The message; absent when details are not exposed (production by default). */
  detail?: string
}

/**
 * How much a rejection tells the caller. The caller is unauthenticated: the message names the
 * configured providers, the number of secrets, the clock offset and the body limit, which help a
 * developer and an attacker alike.
 *
 * @example
 * return toResponse(error, { exposeDetails: false }) // type, title, status and code only
 */
export interface ProblemOptions {
  /**
   * `true`: the problem body carries `detail` (the message). `false`: code and title only.
   * Default: `false` when `NODE_ENV` is `production`, else `true`. The full message always stays
   * on the error, in `explain()` and in adapter events and logs.
   */
  exposeDetails?: boolean
}

/**
 * The default of {@link ProblemOptions.exposeDetails}: `false` when `NODE_ENV` is `production`.
 * Read through `globalThis.process?.env`, so it also runs where there is no `process` (workerd).
 *
 * @example
 * const flow = createWebhookFlow({ provider: 'orchest', secret, exposeDetails: exposeDetailsByDefault() })
 */
export function exposeDetailsByDefault(): boolean {
  try {
    return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NODE_ENV !== 'production'
  } catch {
    return true // an environment that refuses the read (Deno without --allow-env) is not known to be production
  }
}

const TYPE_BASE = 'https://github.com/hookproof/hookproof/blob/main/packages/core/docs/errors.md#'

/**
 * Problem details for a failure or error: the one place a problem body is built. `detail` is the
 * message (which never holds secrets) unless details are not exposed: `options.exposeDetails`,
 * else the failure's own `exposeDetails`, else {@link exposeDetailsByDefault}.
 *
 * @example
 * const result = await verifier.check({ body, headers })
 * if (!result.ok) res.status(result.status).json(problemDetails(result))
 * problemDetails(result, { exposeDetails: false }) // { type, title, status, code }
 */
export function problemDetails(
  error: Pick<Failure, 'code' | 'status' | 'message'> & { readonly exposeDetails?: boolean },
  options?: ProblemOptions,
): ProblemDetails {
  const type = TYPE_BASE + error.code.toLowerCase().replaceAll('_', '-')
  const expose = options?.exposeDetails ?? error.exposeDetails ?? exposeDetailsByDefault()
  if (!expose) return { type, title: TITLES[error.code], status: error.status, code: error.code }
  return { type, title: TITLES[error.code], status: error.status, code: error.code, detail: error.message }
}

/**
 * The one error class. `instanceof` and `code` are the API; the message names the header and
 * what was expected, never the secret or a computed signature.
 *
 * @example
 * try {
 *   await verify({ body, headers }, { provider: 'orchest', secret })
 * } catch (error) {
 *   if (error instanceof WebhookVerificationError) {
 *     console.warn(error.code, await error.explain())
 *     return new Response(null, { status: error.status })
 *   }
 *   throw error
 * }
 */
export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError'
  readonly code: WebhookErrorCode
  readonly status: number
  readonly provider: string | undefined
  readonly retryAfter: number | undefined
  /** Whether `toProblem()`/`toResponse()` include the message; see {@link ProblemOptions}. */
  readonly exposeDetails: boolean | undefined
  readonly #hints: (() => Promise<string[]>) | undefined
  #explained: Promise<string[]> | undefined

  constructor(
    code: WebhookErrorCode,
    message: string,
    options?: ErrorOptions & {
      status?: number
      provider?: string
      retryAfter?: number
      hints?: () => Promise<string[]>
      exposeDetails?: boolean
    },
  ) {
    super(message, options)
    this.code = code
    this.status = options?.status ?? STATUS[code]
    this.provider = options?.provider
    this.retryAfter = options?.retryAfter
    this.exposeDetails = options?.exposeDetails
    this.#hints = options?.hints
  }

  /** Wraps a {@link Failure} record into a throwable error. */
  static from(failure: Failure, options?: ProblemOptions): WebhookVerificationError {
    return new WebhookVerificationError(
      failure.code,
      failure.message,
      options?.exposeDetails === undefined ? failure : { ...failure, exposeDetails: options.exposeDetails },
    )
  }

  /**
   * Diagnostics for server logs, computed only when asked: a re-serialised body, a secret with
   * whitespace or quotes, milliseconds where seconds are expected, base64 where hex is expected,
   * a header that belongs to another provider. Never send these to the client.
   *
   * @example
   * logger.warn({ code: error.code, hints: await error.explain() })
   */
  explain(): Promise<string[]> {
    // computed once per error: logging it twice must not cost twice
    this.#explained ??= this.#explain()
    return this.#explained
  }

  async #explain(): Promise<string[]> {
    if (!this.#hints) return []
    try {
      const hints = await this.#hints()
      return Array.isArray(hints) ? hints : []
    } catch {
      return []
    }
  }

  /**
   * Problem details (RFC 9457) for this error.
   *
   * @example
   * res.status(error.status).json(error.toProblem({ exposeDetails: false }))
   */
  toProblem(options?: ProblemOptions): ProblemDetails {
    return problemDetails(this, options)
  }

  /**
   * A Fetch `Response` with the problem+json body, the status from the code table and
   * `Retry-After` when the sender should come back later.
   *
   * @example
   * catch (error) { if (error instanceof WebhookVerificationError) return error.toResponse() }
   */
  toResponse(options?: ProblemOptions): Response {
    return toFetchResponse(rejection(this, options))
  }
}

/**
 * The answer to a rejection as plain parts, which every transport maps as it is (a Fetch
 * `Response`, a Lambda result, a Node `res`, the adapter flow): the status from the code table,
 * `content-type: application/problem+json` with the problem body (see {@link problemDetails}) and
 * `retry-after` when the sender should come back later. A processed duplicate (a 2xx) is an
 * acknowledgement, not a problem: it is sent as `application/json`, so the sender stops retrying.
 *
 * @example
 * const result = await verifier.check({ body: req.body, headers: req.headers })
 * if (!result.ok) {
 *   const { status, headers, body } = rejection(result, { exposeDetails: false })
 *   return res.status(status).set(headers).send(body)
 * }
 */
export function rejection(
  failure: Pick<Failure, 'code' | 'status' | 'message' | 'retryAfter' | 'exposeDetails'>,
  options?: ProblemOptions,
): Rejection {
  const body = JSON.stringify(problemDetails(failure, options))
  const headers = failure.status < 300 ? { 'content-type': 'application/json' } : problemHeaders(failure)
  return { status: failure.status, headers, body }
}

/** @internal The headers of a problem (4xx/5xx) answer; {@link rejection} is what transports call. */
export function problemHeaders(failure: Pick<Failure, 'retryAfter'>): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' }
  if (failure.retryAfter !== undefined) headers['retry-after'] = String(failure.retryAfter)
  return headers
}

/**
 * What {@link rejection} returns: status, lower-case header names and the JSON body text.
 *
 * @example
 * const { status, headers, body }: Rejection = rejection(failure)
 */
export interface Rejection {
  status: number
  headers: Record<string, string>
  body: string
}

/** @internal A Fetch `Response` for a {@link rejection}. */
export function toFetchResponse(answer: Rejection): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers })
}

/**
 * `true` when a value is a {@link WebhookVerificationError}, also across module copies.
 *
 * @example
 * try {
 *   await verify({ body, headers }, { provider: 'y42', secret })
 * } catch (error) {
 *   if (isWebhookVerificationError(error)) log.warn(error.code)
 *   else throw error
 * }
 */
export function isWebhookVerificationError(value: unknown): value is WebhookVerificationError {
  return (
    value instanceof WebhookVerificationError ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'WebhookVerificationError' &&
      typeof (value as { code?: unknown }).code === 'string')
  )
}
