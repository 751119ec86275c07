/**
 * The check a user runs against their own endpoint before going live: the valid case and every
 * applicable fault, each answer compared with what a correct receiver gives, and the handler's
 * run count read from a counter URL when the receiver exposes one.
 */

import type { Provider } from '@hookproof/core'
import { formatTable } from '../cli/table.js'
import type { CreateDeliveryOptions, MockProvider, UnsignedDelivery } from '../delivery.js'
import { createDelivery } from '../events.js'
import { buildCase, type DeliveryCase } from '../faults/cases.js'
import { type ExpectedResponse, statusMatches } from '../faults/expect.js'
import { FAULTS, type FaultName, faultApplies, faultsFor } from '../faults/faults.js'
import type { Seed } from '../formats/random.js'
import { runPool } from '../wire/pool.js'
import { exchange, type FetchLike, type TransportError, wireRequest } from '../wire/transport.js'

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
  /** A registry name, or a row of your own (`defineProvider`): it gets a generic JSON delivery signed by its `sign`. */
  provider: MockProvider | Provider
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
  /** The `detail` of a problem+json body (at most 300 characters, one line), when it has one. */
  detail?: string
  error?: TransportError
  durationMs: number
}

/**
 * The verdict on one case: `inconclusive` when the answers are right but what matters cannot be
 * seen (a duplicate acknowledged twice with no counter URL: did the handler run twice?).
 *
 * @example
 * const verdict: CaseVerdict = report.cases[0]?.verdict ?? 'fail'
 */
export type CaseVerdict = 'ok' | 'fail' | 'inconclusive'

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
  verdict: CaseVerdict
  /** `verdict === 'ok'`: an inconclusive case is never ok. */
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
  /** The provider's name (a row's `name` when a row was given). */
  provider: MockProvider | (string & {})
  cases: ConformanceCase[]
  /** Cases not run and why (no previous secret, the fault does not apply to this delivery). */
  skipped: { name: CaseName; reason: string }[]
  /** Every case ok (none failed, none inconclusive). */
  ok: boolean
  /** Cases that misbehaved. */
  failed: number
  /** Cases whose answers were right but whose handler runs could not be observed. */
  inconclusive: number
  /** `fail` if any case failed, else `inconclusive` if any is, else `ok`. */
  verdict: CaseVerdict
  /** Whether handler calls were counted. */
  counted: boolean
  /** Why the counter URL could not be read (handler runs were then not observed). */
  counterError?: string
}

const SUMMARIES: Record<CaseName, string> = {
  valid: 'a correctly signed delivery',
  ...(Object.fromEntries(FAULTS.map((f) => [f.name, f.summary])) as Record<FaultName, string>),
}

/**
 * An expected answer in words.
 *
 * @example
 * describeExpected({ status: ['2xx', 409], code: 'DUPLICATE_DELIVERY' }) // '2xx/409 DUPLICATE_DELIVERY'
 */
export function describeExpected(expected: ExpectedResponse): string {
  const status = typeof expected.status === 'string' ? expected.status : expected.status.join('/')
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
  const code = jsonField(headers, body, 'code')
  return code === undefined ? undefined : code.slice(0, 100)
}

/**
 * The `detail` of a problem+json (or JSON) body, on one line and at most 300 characters.
 *
 * @example
 * responseDetail({ 'content-type': 'application/problem+json' }, '{"detail":"no x-hub-signature header"}') // 'no x-hub-signature header'
 */
export function responseDetail(headers: Record<string, string>, body: string): string | undefined {
  const detail = jsonField(headers, body, 'detail')
  if (detail === undefined) return undefined
  const line = detail.replace(/\s+/g, ' ').trim()
  return line.length > 300 ? `${line.slice(0, 299)}…` : line || undefined
}

function jsonField(headers: Record<string, string>, body: string, field: 'code' | 'detail'): string | undefined {
  if (!/json/i.test(headers['content-type'] ?? '') || body === '') return undefined
  try {
    const value: unknown = JSON.parse(body)
    const v = (value as Record<string, unknown> | null)?.[field]
    return typeof v === 'string' ? v : undefined
  } catch {
    return undefined
  }
}

/** Concurrent requests are listed with `+`, sequential ones with `, then`. */
function joiner(c: DeliveryCase): string {
  return c.concurrent ? ' + ' : ', then '
}

/**
 * One response against one expectation, by what a correct receiver must do: the status class
 * decides (any 2xx accepts, any 4xx rejects); the code only annotates.
 */
function answerMatches(expected: ExpectedResponse, r: ObservedResponse): boolean {
  return r.status !== undefined && statusMatches(expected, r.status)
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
    const detail = responseDetail(response.headers, response.body)
    return {
      ...(response.status === undefined ? {} : { status: response.status }),
      ...(code === undefined ? {} : { code }),
      ...(detail === undefined ? {} : { detail }),
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
  let verdict: CaseVerdict = answersMatch(c, responses) ? 'ok' : 'fail'
  let note = verdict === 'fail' ? failureNote(c, responses) : codeNote(c, responses)
  if (handlerCalls !== undefined && handlerCalls !== c.handlerCalls) {
    verdict = 'fail'
    note =
      c.handlerCalls === 1 && handlerCalls > 1
        ? 'processed twice'
        : c.handlerCalls === 0
          ? `handler ran ${handlerCalls}x on a rejected delivery`
          : `handler ran ${handlerCalls}x, expected ${c.handlerCalls}x`
  }
  if (verdict === 'ok' && handlerCalls === undefined && c.requests.length === 2 && !duplicateSeen(responses)) {
    // both copies acknowledged and nothing says the second was recognised: the handler may have
    // run twice, which only a count can tell
    verdict = 'inconclusive'
    note = 'both copies acknowledged; whether the handler ran twice needs a counter URL (--counter-url)'
  }
  return {
    name: c.name,
    summary: SUMMARIES[c.name],
    expected: c.expect.map(describeExpected).join(joiner(c)),
    actual: responses.map(describeObserved).join(joiner(c)),
    verdict,
    ok: verdict === 'ok',
    responses: [...responses],
    handlerCalls: {
      expected: c.handlerCalls,
      actual: handlerCalls === undefined ? 'not observable' : handlerCalls,
    },
    ...(note === undefined ? {} : { note }),
  }
}

/** A copy recognised as such: a `DUPLICATE_DELIVERY` code, or a 409 (in flight, retry later). */
function duplicateSeen(responses: readonly ObservedResponse[]): boolean {
  return responses.some((r) => r.code === 'DUPLICATE_DELIVERY' || r.status === 409)
}

/** Why the answers are wrong, in words. */
function failureNote(c: DeliveryCase, responses: readonly ObservedResponse[]): string | undefined {
  if (responses.some((r) => r.status === undefined)) return 'no answer'
  const statuses = responses.map((r) => r.status as number)
  const rejects = c.expect.every((e) => e.status === '4xx')
  if (rejects && statuses.some((s) => s >= 200 && s <= 299)) return 'accepted a delivery it must reject'
  if (statuses.some((s) => s >= 500)) return 'answered 5xx: the vendor retries it'
  if (!rejects && statuses.some((s) => s >= 400 && s <= 499)) return 'rejected a delivery it must accept'
  return undefined
}

/** A right answer with another code than hookproof's: still right, worth a word. */
function codeNote(c: DeliveryCase, responses: readonly ObservedResponse[]): string | undefined {
  if (c.concurrent) return undefined
  for (const [i, r] of responses.entries()) {
    const want = c.expect[i]?.code
    if (want !== undefined && r.code !== undefined && r.code !== want && r.code !== 'DUPLICATE_DELIVERY') {
      return `rejected as ${r.code}; a hookproof receiver says ${want}`
    }
  }
  return undefined
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
 * @throws {TypeError} for a bad URL or option. A counter URL that cannot be read is reported
 *   (`counterError`), never thrown: the cases then run with handler runs not observed.
 */
export async function conformance(url: string, options: ConformanceOptions): Promise<ConformanceReport> {
  const protocol = new URL(url).protocol
  if (protocol !== 'http:' && protocol !== 'https:') throw new TypeError(`url must be http: or https:, got ${protocol}`)
  const { provider } = options
  const providerName = typeof provider === 'string' ? provider : provider.name
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
  const wanted = options.cases ?? ['valid', ...(await faultsFor(provider)).map((f) => f.name)]
  for (const name of wanted) {
    if (name === 'rotated-secret' && options.previousSecret === undefined) {
      skipped.push({ name, reason: 'needs the previous secret (previousSecret / --previous-secret)' })
    } else if (name !== 'valid' && !(await faultApplies(name, deliveryFor(name)))) {
      skipped.push({ name, reason: `does not apply to ${providerName} deliveries like this one` })
    } else {
      planned.push(name)
    }
  }

  const counter = options.counterUrl
  let counterError: string | undefined
  // a counter that fails once is not read again: a count across a failed read means nothing
  const readCount = async (): Promise<number | undefined> => {
    if (counter === undefined || counterError !== undefined) return undefined
    try {
      return await readCounter(counter, options.fetch)
    } catch (error) {
      counterError = (error as Error).message
      return undefined
    }
  }
  const count = counter === undefined ? undefined : readCount
  if (count !== undefined) await count() // a broken counter is found before anything is sent

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

  const results = await runPool(planned.length, concurrency, (i) => run(planned[i] as CaseName))
  const failed = results.filter((r) => r.verdict === 'fail').length
  const inconclusive = results.filter((r) => r.verdict === 'inconclusive').length
  return {
    url,
    provider: providerName,
    cases: results,
    skipped,
    ok: failed === 0 && inconclusive === 0,
    failed,
    inconclusive,
    verdict: failed > 0 ? 'fail' : inconclusive > 0 ? 'inconclusive' : 'ok',
    counted: count !== undefined && counterError === undefined,
    ...(counterError === undefined ? {} : { counterError }),
  }
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
    c.verdict === 'ok' ? 'ok' : c.verdict === 'inconclusive' ? 'INCONCLUSIVE' : `FAIL${c.note === undefined ? '' : `: ${c.note}`}`,
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
  for (const c of report.cases) if (c.verdict !== 'fail' && c.note !== undefined) lines.push(`note: ${c.name}: ${c.note}`)
  lines.push(...detailLines(report.cases))
  for (const s of report.skipped) lines.push(`skipped: ${s.name}: ${s.reason}`)
  if (report.counterError !== undefined) lines.push(`counter URL not read, handler runs not observed: ${report.counterError}`)
  else if (!report.counted) lines.push('handler runs: not observable (no counter URL)')
  lines.push(verdictLine(report))
  return lines.join('\n')
}

/** The problem `detail` of each failing case's answers, each distinct text once. */
function detailLines(cases: readonly ConformanceCase[]): string[] {
  const seen = new Map<string, string[]>()
  for (const c of cases) {
    if (c.verdict !== 'fail') continue
    for (const r of c.responses) {
      if (r.detail === undefined) continue
      const key = `${describeObserved(r)}: ${r.detail}`
      const names = seen.get(key) ?? []
      if (!names.includes(c.name)) names.push(c.name)
      seen.set(key, names)
    }
  }
  return [...seen].map(([text, names]) => `detail: ${names.join(', ')}: ${text}`)
}

/** The last line: failures first, then inconclusive cases, never "all behaved" with either. */
function verdictLine(report: ConformanceReport): string {
  const total = report.cases.length
  const unsure = report.cases.filter((c) => c.verdict === 'inconclusive').map((c) => c.name)
  const also = unsure.length === 0 ? '' : `; ${unsure.length} INCONCLUSIVE (${unsure.join(', ')})`
  if (report.failed > 0) return `${report.failed} of ${total} cases misbehaved${also}`
  if (unsure.length > 0) {
    return `INCONCLUSIVE: no case misbehaved, but ${unsure.length} of ${total} could not be judged (${unsure.join(', ')}): pass a counter URL that counts handler runs`
  }
  return `all ${total} cases behaved as a correct receiver should`
}
