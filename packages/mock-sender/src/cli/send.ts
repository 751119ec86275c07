/**
 * `hookproof-send <provider>`: one delivery or a fault, repeated and concurrent on the shared
 * worker pool, with the vendor's retries; or printed as curl / raw HTTP.
 */

import { type CaseName, type ConformanceCase, judgeCase, type ObservedResponse } from '../conformance/conformance.js'
import type { MockProvider } from '../delivery.js'
import { createDelivery } from '../events.js'
import { buildCase, type DeliveryCase } from '../faults/cases.js'
import { FAULT_NAMES, FAULTS, type FaultName, faultApplies, faultsFor } from '../faults/faults.js'
import type { SignedDelivery } from '../sign.js'
import { retryPolicy } from '../vendors/index.js'
import { runPool } from '../wire/pool.js'
import type { RetryOption } from '../wire/retry.js'
import { type SendAttempt, send } from '../wire/send.js'
import { wireHeaders, wireRequest } from '../wire/transport.js'
import {
  type CliIo,
  checkEvent,
  checkMethod,
  checkUrl,
  EXIT_INCONCLUSIVE,
  nonNegativeInt,
  observed,
  positiveInt,
  progressLine,
  secrets,
  UsageError,
  unreachableMessage,
  type Values,
} from './common.js'
import { formatTable } from './table.js'

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`

/** The request as a curl command line. */
export function toCurl(request: SignedDelivery, url: string): string {
  const lines = [`curl -sS -X ${request.method} ${shellQuote(url)}`]
  for (const [name, value] of Object.entries(request.headers)) lines.push(`  -H ${shellQuote(`${name}: ${value}`)}`)
  if (request.body.length > 0) lines.push(`  --data-binary ${shellQuote(new TextDecoder().decode(request.body))}`)
  return lines.join(' \\\n')
}

/** The request as it goes on the wire (HTTP/1.1, CRLF line ends). */
export function toHttp(request: SignedDelivery, url: string): string {
  const u = new URL(url)
  const head = [`${request.method} ${u.pathname}${u.search} HTTP/1.1`]
  const headers = wireHeaders(wireRequest(request, url))
  // Host goes where the vendor's client writes it, first when its order is unknown
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'host')) head.push(`Host: ${u.host}`)
  for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`)
  return `${head.join('\r\n')}\r\n\r\n${new TextDecoder().decode(request.body)}`
}

/** Runs `hookproof-send <provider> ...` and resolves to its exit code. */
export async function sendCommand(provider: MockProvider, values: Values, io: CliIo): Promise<number> {
  const url = checkUrl(values.url, '--url')
  const { secret, previous } = secrets(provider, values, io.env)
  const event = checkEvent(provider, values.event)
  const method = checkMethod(provider, values.method)
  const faultName = values.fault ?? 'valid'
  if (faultName !== 'valid') {
    const fault = FAULTS.find((f) => f.name === faultName)
    if (fault === undefined) throw new UsageError(`unknown fault "${faultName}"; one of ${FAULT_NAMES.join(', ')}`)
    if (!(await faultsFor(provider)).includes(fault)) {
      throw new UsageError(`fault ${faultName} does not apply to ${provider} (it applies where ${fault.appliesWhen ?? 'it fits'})`)
    }
    if (faultName === 'rotated-secret' && previous === undefined) {
      throw new UsageError('--fault rotated-secret needs --previous-secret (the secret signed with)')
    }
  }
  const repeat = positiveInt(values, 'repeat', 1)
  const concurrency = positiveInt(values, 'concurrency', 1)
  const tolerance = values.tolerance === undefined ? undefined : positiveInt(values, 'tolerance', 300)
  const timeoutMs = values.timeout === undefined ? undefined : positiveInt(values, 'timeout', 1)
  if (values.retry !== undefined && values.retry !== 'vendor' && values.retry !== 'none') {
    throw new UsageError(`--retry takes vendor or none, got ${values.retry}`)
  }
  if (values.retry !== undefined && values.retries !== undefined) throw new UsageError('give --retry or --retries, not both')
  const retriesN = nonNegativeInt(values, 'retries')
  const delay = nonNegativeInt(values, 'retry-delay')
  let retry: RetryOption = 'none'
  if (values.retry === 'vendor') retry = 'vendor'
  else if (retriesN !== undefined) retry = { retries: retriesN, ...(delay === undefined ? {} : { delayMs: delay }) }
  const maxAttempts = positiveInt(values, 'max-attempts', retry === 'vendor' ? 6 : Number.MAX_SAFE_INTEGER)
  if (retry === 'vendor') {
    try {
      retryPolicy(provider, 'vendor')
    } catch (error) {
      throw new UsageError((error as Error).message.replace('retry: { retries: N } (CLI: --retries N)', '--retries N'))
    }
  }
  const print = values.print
  if (print !== undefined && print !== 'curl' && print !== 'http') throw new UsageError(`--print takes curl or http, got ${print}`)

  const seed = values.seed ?? `cli-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
  const makeCase = async (i: number): Promise<DeliveryCase> => {
    const delivery = createDelivery(provider, {
      ...(event === undefined ? {} : { event }),
      ...(method === undefined ? {} : { method }),
      seed: repeat === 1 ? seed : `${seed}:${i}`,
      now: Date.now(),
      url,
    })
    if (faultName !== 'valid' && !(await faultApplies(faultName as FaultName, delivery))) {
      throw new UsageError(`fault ${faultName} does not apply to this ${provider} delivery`)
    }
    return buildCase(delivery, faultName as CaseName, {
      secret,
      ...(previous === undefined ? {} : { previousSecret: previous }),
      ...(tolerance === undefined ? {} : { toleranceSeconds: tolerance }),
      url,
    })
  }

  if (print !== undefined) {
    const out: string[] = []
    for (let i = 1; i <= repeat; i++) {
      const c = await makeCase(i)
      for (const r of c.requests) out.push(print === 'curl' ? toCurl(r, url) : toHttp(r, url))
    }
    io.stdout.write(`${out.join(print === 'curl' ? '\n\n' : '\r\n\r\n')}\n`)
    return 0
  }

  let attempts = 0
  let unreachable: string | undefined
  const wantProgress = values.progress === true || io.stderr.isTTY === true
  const progress = progressLine(io, wantProgress && repeat > 1)
  const showRetries = wantProgress && retry !== 'none'
  let done = 0
  let bad = 0
  let unsure = 0
  const deliver = async (index: number): Promise<ConformanceCase> => {
    const c = await makeCase(index + 1)
    const one = async (request: SignedDelivery) => {
      const result = await send(request, {
        url,
        retry,
        maxAttempts,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        // vendor backoffs run to minutes: say what is being waited for
        ...(showRetries
          ? {
              onAttempt: (a: SendAttempt) => {
                if (a.retryInMs === undefined) return
                const got = a.status ?? a.error?.code ?? a.error?.kind
                io.stderr.write(`retry: attempt ${a.attempt} got ${got}; next in ${a.retryInMs / 1000} s\n`)
              },
            }
          : {}),
      })
      attempts += result.attempts.length
      return observed(result.attempts[result.attempts.length - 1] as SendAttempt)
    }
    let responses: ObservedResponse[]
    if (c.concurrent) responses = await Promise.all(c.requests.map(one))
    else {
      responses = []
      for (const r of c.requests) responses.push(await one(r))
    }
    unreachable ??= unreachableMessage(url, responses)
    const judged = judgeCase(c, responses)
    if (judged.verdict === 'fail') bad++
    else if (judged.verdict === 'inconclusive') unsure++
    done++
    progress.update(done, repeat, bad, done === repeat)
    return judged
  }
  const results = await runPool(repeat, concurrency, deliver)
  progress.end()

  if (values.json === true) {
    const verdict = bad > 0 ? 'fail' : unsure > 0 ? 'inconclusive' : 'ok'
    io.stdout.write(`${JSON.stringify({ provider, url, case: faultName, ok: verdict === 'ok', verdict, attempts, results }, null, 2)}\n`)
  } else {
    const tally = new Map<string, number>()
    for (const r of results) tally.set(r.actual, (tally.get(r.actual) ?? 0) + 1)
    const answers = [...tally].map(([a, n]) => (repeat === 1 ? a : `${a} x${n}`)).join('; ')
    const failures = results.filter((r) => r.verdict === 'fail')
    for (const f of failures.slice(0, 10)) {
      io.stdout.write(
        `not as expected: ${f.name}: expected ${f.expected}, got ${f.actual}${f.note && f.note !== 'no answer' ? ` (${f.note})` : ''}\n`,
      )
    }
    if (failures.length > 10) io.stdout.write(`... and ${failures.length - 10} more\n`)
    // the receiver's own words, once: every failing delivery of a run usually says the same
    const details = [...new Set(failures.flatMap((f) => f.responses.flatMap((r) => (r.detail === undefined ? [] : [r.detail]))))]
    for (const d of details.slice(0, 3)) io.stdout.write(`detail: ${d}\n`)
    const header = ['case', 'deliveries', 'requests', 'expected', 'answers', 'as expected']
    const sentRequests = results.reduce((n, r) => n + r.responses.length, 0)
    const row = [
      faultName,
      String(repeat),
      attempts === sentRequests ? String(sentRequests) : `${sentRequests} (${attempts} attempts)`,
      results[0]?.expected ?? '',
      answers,
      `${repeat - bad}/${repeat}`,
    ]
    io.stdout.write(`${formatTable(header, [row])}\n`)
    io.stdout.write(
      bad > 0
        ? `${provider}: ${bad} of ${repeat} deliveries did not get the expected answer\n`
        : unsure > 0
          ? `${provider}: INCONCLUSIVE: ${unsure} of ${repeat} deliveries got acceptable answers, but whether the handler ran twice cannot be seen (hookproof-send conformance --counter-url counts it)\n`
          : `${provider}: every delivery got the expected answer\n`,
    )
  }
  if (unreachable !== undefined) {
    io.stderr.write(`hookproof-send: ${unreachable}\n`)
    return 2
  }
  return bad > 0 ? 1 : unsure > 0 ? EXIT_INCONCLUSIVE : 0
}
