import { type Failure, fail, isWebhookVerificationError, type ProblemOptions, rejection } from './errors.js'
import { logRejection } from './log.js'
import { isFailure } from './provider.js'
import type { CheckResult, Verifier, VerifyInput } from './verify.js'

/**
 * API Gateway REST API (payload format 1.0) proxy event, and ALB events, which share its shape.
 * Only the fields the verifier reads are typed.
 *
 * @example
 * export const handler = async (event: LambdaEventV1) => verifyLambdaEvent(event, verifier)
 */
export interface LambdaEventV1 {
  version?: '1.0'
  httpMethod: string
  path?: string
  headers?: Record<string, string | undefined> | null
  multiValueHeaders?: Record<string, readonly string[] | undefined> | null
  queryStringParameters?: Record<string, string | undefined> | null
  multiValueQueryStringParameters?: Record<string, readonly string[] | undefined> | null
  requestContext?: { path?: string; domainName?: string; elb?: unknown } | null
  body?: string | null
  isBase64Encoded?: boolean
}

/**
 * API Gateway HTTP API (payload format 2.0) and Lambda function URL event. Only the fields the
 * verifier reads are typed.
 *
 * @example
 * export const handler = async (event: LambdaEventV2) => verifyLambdaEvent(event, verifier)
 */
export interface LambdaEventV2 {
  /** `'2.0'`; typed loosely so events typed elsewhere as `version: string` fit. */
  version: string
  rawPath: string
  rawQueryString?: string
  cookies?: readonly string[]
  headers?: Record<string, string | undefined> | null
  requestContext: { domainName?: string; http: { method: string; path?: string } }
  body?: string | null
  isBase64Encoded?: boolean
}

/**
 * Any event `verifyLambdaEvent` reads.
 *
 * @example
 * export async function handler(event: LambdaHttpEvent) {
 *   const { payload } = await verifyLambdaEvent(event, verifier)
 * }
 */
export type LambdaHttpEvent = LambdaEventV1 | LambdaEventV2

/**
 * What a Lambda proxy integration, an HTTP API and a function URL all accept as a response.
 *
 * @example
 * const result: LambdaResult = toLambdaResult(error) // { statusCode: 401, headers, body, isBase64Encoded: false }
 */
export interface LambdaResult {
  statusCode: number
  headers: Record<string, string>
  body: string
  isBase64Encoded: false
}

function isV2(event: LambdaHttpEvent): event is LambdaEventV2 {
  return (event as LambdaEventV2).version === '2.0' || typeof (event as LambdaEventV2).rawPath === 'string'
}

/** A field that must be a plain record; anything else (an odd or hand-made event) reads as absent. */
function recordOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/**
 * Lowercased header names; a header sent twice (or under two spellings) becomes an array, so a
 * duplicated signature header is rejected. Payload 2.0 joins copies with "," in one value, which
 * the rows' `single()` reads as a duplicate too. Linear in the number of values.
 */
function lowerHeaders(event: LambdaHttpEvent, v2: boolean): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null)
  const add = (name: string, value: unknown) => {
    if (typeof value !== 'string') return
    const k = name.toLowerCase()
    const prev = out[k]
    if (prev === undefined) out[k] = value
    else if (Array.isArray(prev)) prev.push(value)
    else out[k] = [prev, value]
  }
  const multi = v2 ? undefined : recordOf((event as LambdaEventV1).multiValueHeaders)
  if (multi) {
    // REST APIs keep every copy of a repeated header here; `headers` holds only the last one
    for (const name of Object.keys(multi)) {
      const values = multi[name]
      if (Array.isArray(values)) for (const v of values) add(name, v)
      else add(name, values)
    }
  } else {
    const headers = recordOf(event.headers)
    if (headers) for (const name of Object.keys(headers)) add(name, headers[name])
  }
  const cookies = v2 ? (event as LambdaEventV2).cookies : undefined
  if (Array.isArray(cookies) && cookies.length > 0 && out.cookie === undefined) {
    // payload 2.0 moves the Cookie header into `cookies`
    out.cookie = cookies.filter((c) => typeof c === 'string').join('; ')
  }
  return out
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function v1Query(event: LambdaEventV1): string {
  const raw = recordOf(event.requestContext)?.elb !== undefined // ALB passes the query as received, still encoded
  const enc = raw ? (s: string) => s : encodeURIComponent
  const pairs: string[] = []
  const multi = recordOf(event.multiValueQueryStringParameters)
  if (multi) {
    for (const k of Object.keys(multi)) {
      const vs = multi[k]
      if (Array.isArray(vs)) for (const v of vs) if (typeof v === 'string') pairs.push(`${enc(k)}=${enc(v)}`)
    }
  } else {
    const single = recordOf(event.queryStringParameters) ?? {}
    for (const k of Object.keys(single)) {
      const v = single[k]
      if (typeof v === 'string') pairs.push(`${enc(k)}=${enc(v)}`)
    }
  }
  return pairs.join('&')
}

/**
 * The URL the client called: `https://` + host + path + query. API Gateway and function URLs
 * only serve HTTPS. REST (1.0) events carry no raw query string, so its query is re-encoded:
 * when a sender signs the URL (Designer Cloud GET/DELETE), pass `signedUrl` if it differs.
 */
function rebuildUrl(event: LambdaHttpEvent, v2: boolean, headers: Record<string, string | string[]>): string | undefined {
  const context = recordOf(event.requestContext)
  const host = first(headers.host) ?? text(context?.domainName)
  if (host === undefined) return undefined
  let path: string
  let query: string
  if (v2) {
    path = text((event as LambdaEventV2).rawPath) ?? '/'
    query = text((event as LambdaEventV2).rawQueryString) ?? ''
  } else {
    // requestContext.path is the path as called (with the stage on execute-api hosts); `path` drops the stage
    path = text(context?.path) ?? text((event as LambdaEventV1).path) ?? '/'
    query = v1Query(event as LambdaEventV1)
  }
  return `https://${host}${path}${query ? `?${query}` : ''}`
}

/** Base64 to bytes with `atob`: available in Node 16+, Workers, Deno, Bun; no `Buffer`. */
function fromBase64(text: string): Uint8Array | undefined {
  let binary: string
  try {
    binary = atob(text)
  } catch {
    return undefined
  }
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

const encoder = new TextEncoder()

const NOT_AN_EVENT = 'The event is not an API Gateway (REST or HTTP API), function URL or ALB event'

/**
 * The verifier input for an event: the body decoded from base64 when `isBase64Encoded`, header
 * names lowercased (repeated headers kept as arrays, so a duplicated signature header is
 * rejected), the full URL rebuilt. A failure, never a throw, for an event of another shape (an
 * SQS record, a hand-made test event) or a base64 body that does not decode.
 */
function eventInput(event: LambdaHttpEvent): VerifyInput | Failure {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return fail('INVALID_PAYLOAD', NOT_AN_EVENT)
  const v2 = isV2(event)
  const method = v2
    ? text(recordOf(recordOf((event as LambdaEventV2).requestContext)?.http)?.method)
    : text((event as LambdaEventV1).httpMethod)
  if (method === undefined) return fail('INVALID_PAYLOAD', `${NOT_AN_EVENT}: it names no HTTP method`)
  const raw = event.body ?? ''
  if (typeof raw !== 'string') return fail('INVALID_PAYLOAD', 'The event body is not a string')
  const body = event.isBase64Encoded === true ? fromBase64(raw) : encoder.encode(raw)
  if (body === undefined) return fail('INVALID_PAYLOAD', 'The event says isBase64Encoded, but its body is not valid base64')
  const headers = lowerHeaders(event, v2)
  return { body, headers, method, url: rebuildUrl(event, v2, headers) }
}

/**
 * @internal `checkLambdaEvent` on a compiled verifier: reads the event as the verifier's input,
 * checks it, logs a rejection. Never throws; the entry (`api.ts`) adds the TSDoc'd name.
 */
export async function checkLambdaEventWith<Payload = unknown>(
  v: Verifier,
  event: LambdaHttpEvent,
  options?: ProblemOptions,
): Promise<CheckResult<Payload>> {
  const result = await checkEvent<Payload>(event, v)
  if (!result.ok) await logRejection(v, result)
  return result.ok || options?.exposeDetails === undefined ? result : { ...result, exposeDetails: options.exposeDetails }
}

async function checkEvent<Payload>(event: LambdaHttpEvent, v: Verifier): Promise<CheckResult<Payload>> {
  let input: VerifyInput | Failure
  try {
    input = eventInput(event)
  } catch {
    // a getter that throws, a proxy: whatever the event is, the answer is a rejection
    input = fail('INVALID_PAYLOAD', NOT_AN_EVENT)
  }
  if (isFailure(input)) return input
  return v.check<Payload>(input)
}

/**
 * The Lambda proxy response for a rejection (`{ statusCode, headers, body }`, problem+json),
 * valid for REST APIs, HTTP APIs and function URLs. Any other error is thrown again.
 *
 * The body carries `detail` unless details are hidden (`exposeDetails: false`, the default when
 * `NODE_ENV` is `production`).
 *
 * @example
 * catch (error) { return toLambdaResult(error) }
 * catch (error) { return toLambdaResult(error, { exposeDetails: false }) } // code and title only
 * @throws the `error` itself when it is not a webhook rejection.
 */
export function toLambdaResult(error: unknown, options?: ProblemOptions): LambdaResult {
  if (isWebhookVerificationError(error) || isFailure(error)) {
    const { status, headers, body } = rejection(error, options)
    return { statusCode: status, headers, body, isBase64Encoded: false }
  }
  throw error
}
