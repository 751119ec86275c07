/**
 * The check a user runs against their own endpoint before going live: the valid case and every
 * applicable fault, each answer compared with what a correct receiver gives, and the handler's
 * run count read from a counter URL when the receiver exposes one.
 */
import { buildCase, type DeliveryCase } from './cases.js'
import type { MockProvider, UnsignedDelivery } from './delivery.js'
import { type CreateDeliveryOptions, createDelivery } from './events.js'
import { type ExpectedResponse, FAULTS, type FaultName, faultApplies, statusMatches } from './faults.js'
import type { Seed } from './random.js'
import { formatTable } from './table.js'
import { exchange, type FetchLike, type TransportError, wireRequest } from './transport.js'

/**
 * A case of a conformance run: the valid delivery or one fault.
 *
 * @example
 * const cases: CaseName[] = ['valid', 'tampered-body', 'duplicate']
 * await conformance(url, { provider: 'orchest', secret, cases })
 */
export type CaseName = 'valid' | FaultName

/**
 * Options of {@link conformance}.
 *
 * @example
 * const options: ConformanceOptions = { provider: 'up42', secret, toleranceSeconds: 300, concurrency: 4, seed: 'ci' }
 * const report = await conformance('http://127.0.0.1:3000/webhooks/up42', options)
 */
export interface ConformanceOptions {
  provider: MockProvider
  /** The secret the receiver is configured with. */
  secret: string
  /** The receiver's previous secret; without it `rotated-secret` is skipped. */
  previousSecret?: string | undefined
  /** The vendor's event name (see `EVENT_TYPES`); default the provider's first. */
  event?: string | undefined
  /**
   * A GET endpoint answering the number of times the handler ran: a JSON number or an object with
   * `count`, `handled`, `total` or `calls`. Without it, handler calls are "not observable".
   */
  counterUrl?: string | undefined
  /** The receiver's tolerance; timestamp faults go 60 s beyond it. Default 300. */
  toleranceSeconds?: number | undefined
  /** Cases in flight at once; default 1. With a `counterUrl` cases always run one at a time. */
  concurrency?: number
  /** Per request; default the vendor's timeout. */
  timeoutMs?: number | undefined
  /** Use this `fetch` instead of node:http. */
  fetch?: FetchLike
  /** Signing clock in ms; default `Date.now` (the receiver checks signed times against its own clock). */
  now?: () => number
  /** Makes delivery ids reproducible; default random, so runs against one receiver never collide. */
  seed?: Seed
  /** Only these cases (in report order); default the valid case and every applicable fault. */
  cases?: readonly CaseName[]
  /** More options for the deliveries (headers, Designer Cloud method, …). */
  delivery?: Omit<CreateDeliveryOptions, 'event' | 'seed' | 'url'>
  /** Called as each case finishes, for progress output. */
  onCase?: (result: ConformanceCase) => void
}

/**
 * One response as the report sees it.
 *
 * @example
 * const observed: ObservedResponse = { status: 401, code: 'SIGNATURE_MISMATCH', durationMs: 3 }
 * describeObserved(observed) // '401 SIGNATURE_MISMATCH'
 */
export interface ObservedResponse {
  status?: number
  /** The `code` of a problem+json (or JSON) body, when it has one. */
  code?: string
  error?: TransportError
  durationMs: number
}

/**
 * One case of a conformance report: what was expected, what came back, and the verdict.
 *
 * @example
 * await conformance(url, { provider: 'github', secret, onCase: (c: ConformanceCase) => console.log(c.name, c.ok ? 'ok' : c.note) })
 */
export interface ConformanceCase {
  name: CaseName
  /** One line: what the case sends. */
  summary: string
  /** e.g. `401 SIGNATURE_MISMATCH`, `2xx, then 200 DUPLICATE_DELIVERY`. */
  expected: string
  /** e.g. `401 SIGNATURE_MISMATCH`, `202, then 202`, `no answer (timeout)`. */
  actual: string
  ok: boolean
  responses: ObservedResponse[]
  handlerCalls?: { expected: number; actual: number | 'not observable' }
  /** Why the case failed, in words (`processed twice`, `wrong code`), or a caveat when it passed. */
  note?: string
}

/**
 * What {@link conformance} resolves with.
 *
 * @example
 * const report: ConformanceReport = await conformance(url, { provider: 'orchest', secret })
 * if (!report.ok) process.exitCode = 1
 */
export interface ConformanceReport {
  url: string
  provider: MockProvider
  cases: ConformanceCase[]
  /** Cases not run and why (no previous secret, the fault does not apply to this delivery). */
  skipped: { name: CaseName; reason: string }[]
  /** Every case ok. */
  ok: boolean
  /** Whether handler calls were counted. */
  counted: boolean
}

const SUMMARIES: Record<CaseName, string> = {
  valid: 'a correctly signed delivery',
  ...(Object.fromEntries(FAULTS.map((f) => [f.name, f.summary])) as Record<FaultName, string>),
}

/**
 * An expected answer in words.
 *
 * @example
 * describeExpected({ status: [409, 200], code: 'DUPLICATE_DELIVERY' }) // '409/200 DUPLICATE_DELIVERY'
 */
export function describeExpected(expected: ExpectedResponse): string {
  const status = expected.status === '2xx' ? '2xx' : expected.status.join('/')
  return expected.code === undefined ? status : `${status} ${expected.code}`
}

/**
 * An observed answer in words.
 *
 * @example
 * describeObserved({ status: 401, code: 'SIGNATURE_MISMATCH', durationMs: 3 }) // '401 SIGNATURE_MISMATCH'
 * describeObserved({ error: { kind: 'timeout', message: '' }, durationMs: 5000 }) // 'no answer (timeout)'
 */
export function describeObserved(r: ObservedResponse): string {
  if (r.status === undefined) return `no answer (${r.error?.kind === 'timeout' ? 'timeout' : (r.error?.code ?? 'network error')})`
  return r.code === undefined ? String(r.status) : `${r.status} ${r.code}`
}

/**
 * The error code a receiver put in its JSON body (problem+json `code`), if any.
 *
 * @example
 * responseCode({ 'content-type': 'application/problem+json' }, '{"code":"TIMESTAMP_TOO_OLD"}') // 'TIMESTAMP_TOO_OLD'
 */
export function responseCode(headers: Record<string, string>, body: string): string | undefined {
  if (!/json/i.test(headers['content-type'] ?? '') || body === '') return undefined
  try {
    const value: unknown = JSON.parse(body)
    const code = (value as { code?: unknown } | null)?.code
    return typeof code === 'string' ? code : undefined
  } catch {
    return undefined
  }
}

/** Concurrent requests are listed with `+`, sequential ones with `, then`. */
function joiner(c: DeliveryCase): string {
  return c.concurrent ? ' + ' : ', then '
}

/** One response against one expectation: the status, and the code when the receiver names one. */
function answerMatches(expected: ExpectedResponse, r: ObservedResponse): boolean {
  if (r.status === undefined || !statusMatches(expected, r.status)) return false
  // a receiver that is not hookproof may send no code; then the status decides
  return expected.code === undefined || r.code === undefined || r.code === expected.code
}

function answersMatch(c: DeliveryCase, responses: readonly ObservedResponse[]): boolean {
  if (responses.length !== c.expect.length) return false
  if (!c.concurrent) return c.expect.every((e, i) => answerMatches(e, responses[i] as ObservedResponse))
  const [a, b] = responses as [ObservedResponse, ObservedResponse]
  const [x, y] = c.expect as [ExpectedResponse, ExpectedResponse]
  return (answerMatches(x, a) && answerMatches(y, b)) || (answerMatches(x, b) && answerMatches(y, a))
}

/**
 * Sends the requests of a case (both at once when `concurrent`) and observes the answers; no retries.
 *
 * @example
 * const c = await buildCase(orchestPing(), 'duplicate', { secret })
 * const responses = await runCase(c, { url })
 * judgeCase(c, responses).ok
 */
export async function runCase(
  c: DeliveryCase,
  options: { url: string; timeoutMs?: number; fetch?: FetchLike },
): Promise<ObservedResponse[]> {
  const one = async (request: DeliveryCase['requests'][number]): Promise<ObservedResponse> => {
    const response = await exchange(wireRequest(request, options.url), options.timeoutMs ?? request.timeoutMs, options.fetch)
    const code = responseCode(response.headers, response.body)
    return {
      ...(response.status === undefined ? {} : { status: response.status }),
      ...(code === undefined ? {} : { code }),
      ...(response.error === undefined ? {} : { error: response.error }),
      durationMs: response.durationMs,
    }
  }
  if (c.concurrent) return Promise.all(c.requests.map(one))
  const out: ObservedResponse[] = []
  for (const request of c.requests) out.push(await one(request))
  return out
}

/**
 * Compares what a receiver did with what the case calls for.
 *
 * @example
 * judgeCase(c, [{ status: 401, code: 'SIGNATURE_MISMATCH', durationMs: 2 }], 0).ok // true for a tampered-body case
 * @param handlerCalls the handler's runs over the case, when observable.
 */
export function judgeCase(c: DeliveryCase, responses: readonly ObservedResponse[], handlerCalls?: number): ConformanceCase {
  let ok = answersMatch(c, responses)
  let note: string | undefined
  if (!ok) {
    const wrongCode = responses.some(
      (r, i) =>
        r.code !== undefined &&
        c.expect[i]?.code !== undefined &&
        r.status !== undefined &&
        statusMatches(c.expect[i] as ExpectedResponse, r.status) &&
        r.code !== c.expect[i]?.code,
    )
    if (responses.some((r) => r.status === undefined)) note = 'no answer'
    else if (wrongCode && !c.concurrent) note = 'right status, wrong code'
  }
  if (handlerCalls !== undefined && handlerCalls !== c.handlerCalls) {
    ok = false
    note =
      c.handlerCalls === 1 && handlerCalls > 1
        ? 'processed twice'
        : c.handlerCalls === 0
          ? `handler ran ${handlerCalls}x on a rejected delivery`
          : `handler ran ${handlerCalls}x, expected ${c.handlerCalls}x`
  }
  if (ok && handlerCalls === undefined && c.requests.length === 2) {
    const [a, b] = responses as [ObservedResponse, ObservedResponse]
    const noDuplicateCode = a.code !== 'DUPLICATE_DELIVERY' && b.code !== 'DUPLICATE_DELIVERY'
    if (noDuplicateCode && a.status === b.status) {
      note = 'maybe processed twice: both answers alike; pass a counter URL to know'
    }
  }
  return {
    name: c.name,
    summary: SUMMARIES[c.name],
    expected: c.expect.map(describeExpected).join(joiner(c)),
    actual: responses.map(describeObserved).join(joiner(c)),
    ok,
    responses: [...responses],
    handlerCalls: {
      expected: c.handlerCalls,
      actual: handlerCalls === undefined ? 'not observable' : handlerCalls,
    },
    ...(note === undefined ? {} : { note }),
  }
}

function counterValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (value !== null && typeof value === 'object') {
    for (const key of ['count', 'handled', 'total', 'calls']) {
      const n = (value as Record<string, unknown>)[key]
      if (typeof n === 'number') return n
    }
  }
  return undefined
}

/**
 * Reads a handler-count endpoint.
 *
 * @example
 * await readCounter('http://127.0.0.1:3000/events/count') // 3 for { "count": 3 }
 * @throws {Error} when it does not answer 2xx with a count.
 */
export async function readCounter(url: string, fetchImpl?: FetchLike, timeoutMs = 5000): Promise<number> {
  const r = await exchange({ method: 'GET', url, headers: { accept: 'application/json' }, body: new Uint8Array() }, timeoutMs, fetchImpl)
  if (r.status === undefined) throw new Error(`counter URL ${url}: ${r.error?.code ?? r.error?.message ?? 'no answer'}`)
  let value: unknown
  try {
    value = JSON.parse(r.body)
  } catch {
    value = undefined
  }
  const n = r.status >= 200 && r.status < 300 ? counterValue(value) : undefined
  if (n === undefined) {
    throw new Error(`counter URL ${url} answered ${r.status} ${r.body.slice(0, 80)}; expected a JSON number or { count }`)
  }
  return n
}

function randomSeed(): string {
  return `conformance-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
}

/**
 * Sends the valid case and every applicable fault to `url` and reports, per case, the expected
 * and actual answers and handler runs.
 *
 * @example
 * const report = await conformance('http://127.0.0.1:3000/webhooks/orchest', {
 *   provider: 'orchest', secret, previousSecret, counterUrl: 'http://127.0.0.1:3000/handled',
 * })
 * console.log(formatReport(report))
 * if (!report.ok) process.exitCode = 1
 * @throws {TypeError} for a bad URL or option; {@link Error} when the counter URL cannot be read.
 */
export async function conformance(url: string, options: ConformanceOptions): Promise<ConformanceReport> {
  const protocol = new URL(url).protocol
  if (protocol !== 'http:' && protocol !== 'https:') throw new TypeError(`url must be http: or https:, got ${protocol}`)
  const { provider } = options
  const seed = options.seed ?? randomSeed()
  const clock = options.now ?? Date.now
  const concurrency = options.counterUrl === undefined ? Math.max(1, options.concurrency ?? 1) : 1
  const deliveryFor = (name: CaseName): UnsignedDelivery =>
    createDelivery(provider, {
      ...options.delivery,
      ...(options.event === undefined ? {} : { event: options.event }),
      // a seed per case: distinct delivery ids and bodies, so one case is never a duplicate of another
      seed: `${String(seed)}:${name}`,
      now: clock(),
      url,
    })

  const skipped: ConformanceReport['skipped'] = []
  const planned: CaseName[] = []
  const wanted = options.cases ?? ['valid', ...FAULTS.filter((f) => f.appliesTo.includes(provider)).map((f) => f.name)]
  for (const name of wanted) {
    if (name === 'rotated-secret' && options.previousSecret === undefined) {
      skipped.push({ name, reason: 'needs the previous secret (previousSecret / --previous-secret)' })
    } else if (name !== 'valid' && !faultApplies(name, deliveryFor(name))) {
      skipped.push({ name, reason: `does not apply to ${provider} deliveries like this one` })
    } else {
      planned.push(name)
    }
  }

  const counter = options.counterUrl
  const count = counter === undefined ? undefined : () => readCounter(counter, options.fetch)
  if (count !== undefined) await count() // fail fast, before anything is sent

  const run = async (name: CaseName): Promise<ConformanceCase> => {
    const c = await buildCase(deliveryFor(name), name, {
      secret: options.secret,
      ...(options.previousSecret === undefined ? {} : { previousSecret: options.previousSecret }),
      ...(options.toleranceSeconds === undefined ? {} : { toleranceSeconds: options.toleranceSeconds }),
      now: clock(),
      url,
    })
    const before = count === undefined ? undefined : await count()
    const responses = await runCase(c, {
      url,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    })
    const after = count === undefined ? undefined : await count()
    const result = judgeCase(c, responses, before === undefined || after === undefined ? undefined : after - before)
    options.onCase?.(result)
    return result
  }

  const results = new Array<ConformanceCase>(planned.length)
  let next = 0
  const worker = async () => {
    while (next < planned.length) {
      const i = next++
      results[i] = await run(planned[i] as CaseName)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, planned.length) }, worker))
  return { url, provider, cases: results, skipped, ok: results.every((r) => r.ok), counted: count !== undefined }
}

/**
 * The rows `formatReport` prints, for callers that build a bigger table.
 *
 * @example
 * formatTable(['case', 'expected', 'actual', 'handler runs', 'result'], reportRows(report))
 */
export function reportRows(report: ConformanceReport): string[][] {
  return report.cases.map((c) => [
    c.name,
    c.expected,
    c.actual,
    typeof c.handlerCalls?.actual === 'number' ? `${c.handlerCalls.actual}/${c.handlerCalls.expected}` : 'n/a',
    c.ok ? 'ok' : `FAIL${c.note === undefined ? '' : `: ${c.note}`}`,
  ])
}

/**
 * The report as a plain-text table, one row per case, then skipped cases and a verdict line.
 *
 * @example
 * console.log(formatReport(await conformance(url, { provider: 'github', secret })))
 */
export function formatReport(report: ConformanceReport): string {
  const lines = [`${report.provider} at ${report.url}`, '']
  lines.push(formatTable(['case', 'expected', 'actual', 'handler runs', 'result'], reportRows(report)))
  for (const c of report.cases) if (c.ok && c.note !== undefined) lines.push(`note: ${c.name}: ${c.note}`)
  for (const s of report.skipped) lines.push(`skipped: ${s.name}: ${s.reason}`)
  if (!report.counted) lines.push('handler runs: not observable (no counter URL)')
  const failed = report.cases.filter((c) => !c.ok).length
  lines.push(
    failed === 0
      ? `all ${report.cases.length} cases behaved as a correct receiver should`
      : `${failed} of ${report.cases.length} cases misbehaved`,
  )
  return lines.join('\n')
}
