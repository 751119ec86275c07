import { bodyTimeoutOption, DEFAULT_BODY_LIMIT, limitBytes } from './flow.js'

/** The options every adapter takes besides the flow's: how much body, how long, and which URL was signed. */
export interface RouteOptions<Req> {
  /** Body size limit: bytes, or a size such as `'512kb'` or `'1mb'` (1024-based); default `'5mb'`. */
  limit?: number | string
  /** A body not complete within this many ms is answered 408 `BODY_TIMEOUT`; default 30 000. */
  bodyTimeoutMs?: number
  /** The public base URL (or a function of the request) for schemes that sign the URL. */
  publicUrl?: string | ((req: Req) => string)
}

/** An adapter's {@link RouteOptions}, checked, and the rest of its options for the flow. */
export interface RouteSettings<Req, Rest> {
  /** `limit` in bytes, the one figure every body reader of the adapter is given. */
  readonly maxBytes: number
  readonly timeoutMs: number
  /** `publicUrl` when it is a function of the request. */
  readonly urlOf: ((req: Req) => string) | undefined
  /** `publicUrl` when it is a string, without trailing slashes: the signed URL is `base` + the path and query as received. */
  readonly base: string | undefined
  /** Every other option: the flow's (verifier, replay store, events, `onError`). */
  readonly flowOptions: Rest
}

/**
 * Splits an adapter's own options from the flow's and checks them once, at startup: a `limit` no
 * reader understands (`'abc'`, `'5 megabytes'`, `-1`), a `bodyTimeoutMs` that is not a positive
 * number, or a `publicUrl` that is neither a string nor a function is a `TypeError` now, not a
 * request later. Readers get `maxBytes`, so raw-body and the adapter agree on the limit (raw-body
 * given `'abc'` itself reads no limit at all). `subject` names what a `publicUrl` function takes.
 *
 * @example
 * const { maxBytes, timeoutMs, urlOf, base, flowOptions } = routeOptions(options, 'the request')
 * const flow = createWebhookFlow(flowOptions)
 */
export function routeOptions<Req, Options extends RouteOptions<Req>>(
  options: Options,
  subject = 'the request',
): RouteSettings<Req, Omit<Options, keyof RouteOptions<Req>>> {
  const { limit = DEFAULT_BODY_LIMIT, bodyTimeoutMs, publicUrl, ...flowOptions } = options
  if (publicUrl !== undefined && typeof publicUrl !== 'string' && typeof publicUrl !== 'function') {
    throw new TypeError(`publicUrl must be a base URL string or a function of ${subject}, got ${typeof publicUrl}`)
  }
  return {
    maxBytes: limitBytes(limit),
    timeoutMs: bodyTimeoutOption(bodyTimeoutMs),
    urlOf: typeof publicUrl === 'function' ? publicUrl : undefined,
    base: typeof publicUrl === 'string' ? publicUrl.replace(/\/+$/, '') : undefined,
    flowOptions,
  }
}
