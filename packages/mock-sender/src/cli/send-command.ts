/**
 * `hookproof-send`, as a function: parses argv, sends, prints, and returns the exit code
 * (0 every request got the answer its case calls for, 1 some did not, 2 bad usage or an
 * unreachable URL, 3 none did wrong but some cases could not be judged). `cli.ts` only calls it,
 * so tests and the demo can run it in-process too.
 */
import { parseArgs } from 'node:util'
import { providers } from '@hookproof/core'
import {
  type CaseName,
  type ConformanceCase,
  conformance,
  formatReport,
  judgeCase,
  type ObservedResponse,
  responseCode,
  responseDetail,
} from '../conformance/conformance.js'
import { MOCK_PROVIDERS, type MockProvider } from '../delivery.js'
import { createDelivery, EVENT_TYPES } from '../events.js'
import { buildCase, type DeliveryCase } from '../faults/cases.js'
import { FAULT_NAMES, FAULTS, type FaultName, faultApplies, faultsFor } from '../faults/faults.js'
import type { SignedDelivery } from '../sign.js'
import { retryPolicy, vendorOf } from '../vendors/index.js'
import type { RetryOption } from '../wire/retry.js'
import { type SendAttempt, send } from '../wire/send.js'
import { UNREACHABLE_CODES, wireHeaders, wireRequest } from '../wire/transport.js'
import { formatTable } from './table.js'
import { httpUrlProblem, withSuggestion } from './usage.js'

/**
 * The exit code of a run whose answers were all right but some cases inconclusive (a duplicate
 * acknowledged twice with no counter URL to tell whether the handler ran twice). Not 0: a
 * receiver with no duplicate handling must not pass a CI gate; not 1: nothing was seen to fail.
 *
 * @example
 * if ((await runCli(argv)) === EXIT_INCONCLUSIVE) console.warn('add --counter-url to judge duplicates')
 */
export const EXIT_INCONCLUSIVE = 3

/** Where the CLI writes; `process` by default. */
export interface CliIo {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown; isTTY?: boolean }
  env: Readonly<Record<string, string | undefined>>
}

export const USAGE = `hookproof-send: send signed webhook deliveries as the vendor would, with faults.

Usage:
  hookproof-send <provider> --url <url> --secret <secret> [options]
  hookproof-send conformance <provider> --url <url> --secret <secret> [options]
  hookproof-send --list providers | faults | events <provider>

Providers: ${MOCK_PROVIDERS.join(', ')}

Send options:
  --event <type>            vendor event name (default: the provider's first; see --list events)
  --method <m>              Designer Cloud only: POST (default), PUT, PATCH, GET or DELETE
  --fault <name>            send a fault instead of a valid delivery (see --list faults)
  --previous-secret <s>     the receiver's previous secret (needed by --fault rotated-secret)
  --repeat <n>              send n deliveries, each with its own id (default 1)
  --concurrency <c>         deliveries in flight at once (default 1)
  --retry vendor            retry non-2xx like the vendor (Orchest: min(2^n, 3600) s, no maximum)
  --retries <n>             retry up to n times (Orchest-style backoff unless --retry-delay)
  --retry-delay <ms>        fixed wait between retries
  --max-attempts <n>        stop after n attempts (default 6 with --retry vendor)
  --timeout <ms>            per attempt (default the vendor's: Orchest 5000, Designer Cloud 30000)
  --tolerance <s>           the receiver's timestamp tolerance (default 300)
  --print curl|http         print the request(s) instead of sending them
  --seed <s>                reproducible delivery ids and bodies
  --progress                progress line on stderr even when it is not a terminal
  --json                    machine-readable result on stdout

Conformance options (the valid case and every fault that applies):
  --previous-secret <s>     also checks a delivery signed with it is accepted
  --counter-url <url>       GET endpoint answering the handler's run count ({"count": n});
                            without it, handler runs are "not observable"
  --event, --method, --tolerance, --timeout, --concurrency, --seed, --json, --progress as above

A correct receiver is judged by what it must do: any 2xx accepts, any 4xx rejects (hookproof's
own status and code are shown beside it). A duplicate acknowledged twice cannot be judged without
--counter-url: it is INCONCLUSIVE, never ok.

The secret may come from the environment instead of --secret: the provider's variable
(ORCHEST_WEBHOOK_SECRET, ..., STANDARD_WEBHOOKS_WEBHOOK_SECRET; <NAME>_PREVIOUS for the previous one).

Exit codes: 0 every request got the answer its case calls for (2xx for a valid delivery, the
fault's rejection for a fault); 1 some did not; 2 bad usage or the URL cannot be reached;
3 none did wrong, but some cases are inconclusive (add --counter-url).

Examples:
  hookproof-send orchest --url http://127.0.0.1:3000/webhooks/orchest --secret s3cret
  hookproof-send up42 --url http://127.0.0.1:3000/webhooks/up42 --secret s3cret --fault stale-timestamp
  hookproof-send github --url http://127.0.0.1:3000/webhooks/github --secret s3cret \\
      --fault concurrent-duplicate --repeat 50 --concurrency 10
  hookproof-send orchest --url https://example.com/hook --secret s3cret --retry vendor --max-attempts 4
  hookproof-send designer-cloud --url http://127.0.0.1:3000/hook --secret s3cret --print curl
  hookproof-send conformance orchest --url http://127.0.0.1:3000/webhooks/orchest \\
      --secret s3cret --previous-secret old --counter-url http://127.0.0.1:3000/handled
`

class UsageError extends Error {}

const OPTIONS = {
  url: { type: 'string' },
  secret: { type: 'string' },
  'previous-secret': { type: 'string' },
  event: { type: 'string' },
  method: { type: 'string' },
  fault: { type: 'string' },
  repeat: { type: 'string' },
  concurrency: { type: 'string' },
  retry: { type: 'string' },
  retries: { type: 'string' },
  'retry-delay': { type: 'string' },
  'max-attempts': { type: 'string' },
  timeout: { type: 'string' },
  tolerance: { type: 'string' },
  print: { type: 'string' },
  seed: { type: 'string' },
  'counter-url': { type: 'string' },
  progress: { type: 'boolean' },
  json: { type: 'boolean' },
  list: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values']

function positiveInt(values: Values, name: keyof Values, fallback: number): number {
  const raw = values[name]
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || n < 1) {
    throw new UsageError(`--${name} must be a positive integer, got ${String(raw)}`)
  }
  return n
}

function nonNegativeInt(values: Values, name: keyof Values): number | undefined {
  const raw = values[name]
  if (raw === undefined) return undefined
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) {
    throw new UsageError(`--${name} must be a non-negative integer, got ${String(raw)}`)
  }
  return Number(raw)
}

function checkUrl(raw: string | undefined, flag: string): string {
  if (raw === undefined) throw new UsageError(`${flag} is required`)
  const problem = httpUrlProblem(raw, flag)
  if (problem !== undefined) throw new UsageError(problem)
  return raw
}

const METHODS = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const

/** `--method`: for vendors that let the user pick it (their vendor file lists `methods`); the others always POST. */
function checkMethod(provider: MockProvider, raw: string | undefined): (typeof METHODS)[number] | undefined {
  if (raw === undefined) return undefined
  const method = raw.toUpperCase()
  if (!(METHODS as readonly string[]).includes(method)) throw new UsageError(`--method takes ${METHODS.join(', ')}, got ${raw}`)
  const allowed = vendorOf(provider).vendor.methods ?? ['POST']
  if (!(allowed as readonly string[]).includes(method)) {
    const pickers = MOCK_PROVIDERS.filter((p) => (vendorOf(p).vendor.methods?.length ?? 1) > 1)
    throw new UsageError(`--method applies to ${pickers.join(', ')} only: ${provider} always sends ${allowed.join(' or ')}`)
  }
  return method as (typeof METHODS)[number]
}

function checkProvider(raw: string | undefined): MockProvider {
  if (raw === undefined) throw new UsageError(`a provider is required: one of ${MOCK_PROVIDERS.join(', ')}`)
  if (!(MOCK_PROVIDERS as readonly string[]).includes(raw)) {
    throw new UsageError(`unknown provider "${raw}"; one of ${MOCK_PROVIDERS.join(', ')}`)
  }
  return raw as MockProvider
}

function secrets(provider: MockProvider, values: Values, env: CliIo['env']): { secret: string; previous?: string } {
  const row = (providers as Record<string, { envVar?: string; legacyEnvVars?: readonly string[] }>)[provider]
  // the current name, else a former one that is set (STANDARD_WEBHOOKS_SECRET)
  const envVar = row?.envVar !== undefined && !env[row.envVar] ? (row.legacyEnvVars?.find((n) => env[n]) ?? row.envVar) : row?.envVar
  const secret = values.secret ?? (envVar === undefined ? undefined : env[envVar])
  if (secret === undefined || secret === '') {
    throw new UsageError(`--secret is required (or set ${envVar ?? 'the provider secret variable'})`)
  }
  const previous = values['previous-secret'] ?? (envVar === undefined ? undefined : env[`${envVar}_PREVIOUS`])
  return { secret, ...(previous === undefined || previous === '' ? {} : { previous }) }
}

function checkEvent(provider: MockProvider, event: string | undefined): string | undefined {
  if (event !== undefined && !EVENT_TYPES[provider].includes(event)) {
    throw new UsageError(`unknown ${provider} event "${event}"; see hookproof-send --list events ${provider}`)
  }
  return event
}

/** A progress line on stderr: rewritten in place on a terminal, one line per update otherwise. */
function progressLine(io: CliIo, enabled: boolean) {
  let last = 0
  let shown = false
  return {
    update(done: number, total: number, bad: number, force = false) {
      if (!enabled) return
      const now = Date.now()
      if (!force && now - last < 200) return
      last = now
      shown = true
      const text = `progress: ${done}/${total} done, ${done - bad} as expected, ${bad} not`
      io.stderr.write(io.stderr.isTTY ? `\r${text}` : `${text}\n`)
    },
    end() {
      if (enabled && shown && io.stderr.isTTY) io.stderr.write('\n')
    },
  }
}

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

function observed(attempt: SendAttempt): ObservedResponse {
  const code = responseCode(attempt.headers, attempt.body)
  const detail = responseDetail(attempt.headers, attempt.body)
  return {
    ...(attempt.status === undefined ? {} : { status: attempt.status }),
    ...(code === undefined ? {} : { code }),
    ...(detail === undefined ? {} : { detail }),
    ...(attempt.error === undefined ? {} : { error: attempt.error }),
    durationMs: attempt.durationMs,
  }
}

function unreachableMessage(url: string, responses: readonly ObservedResponse[]): string | undefined {
  const r = responses.find((x) => x.error?.kind === 'network' && UNREACHABLE_CODES.includes(x.error.code ?? ''))
  return r === undefined ? undefined : `cannot reach ${url}: ${r.error?.code} (${r.error?.message})`
}

async function sendCommand(provider: MockProvider, values: Values, io: CliIo): Promise<number> {
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

  const results: ConformanceCase[] = []
  let attempts = 0
  let unreachable: string | undefined
  const wantProgress = values.progress === true || io.stderr.isTTY === true
  const progress = progressLine(io, wantProgress && repeat > 1)
  const showRetries = wantProgress && retry !== 'none'
  let next = 1
  let bad = 0
  let unsure = 0
  const worker = async () => {
    while (next <= repeat) {
      const i = next++
      const c = await makeCase(i)
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
      results.push(judged)
      progress.update(results.length, repeat, bad, results.length === repeat)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, repeat) }, worker))
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

async function conformanceCommand(provider: MockProvider, values: Values, io: CliIo): Promise<number> {
  const url = checkUrl(values.url, '--url')
  const counterUrl = values['counter-url'] === undefined ? undefined : checkUrl(values['counter-url'], '--counter-url')
  const { secret, previous } = secrets(provider, values, io.env)
  const event = checkEvent(provider, values.event)
  const method = checkMethod(provider, values.method)
  for (const flag of ['fault', 'repeat', 'retry', 'retries', 'print'] as const) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag} does not apply to conformance`)
  }
  const concurrency = positiveInt(values, 'concurrency', 1)
  const tolerance = values.tolerance === undefined ? undefined : positiveInt(values, 'tolerance', 300)
  const timeoutMs = values.timeout === undefined ? undefined : positiveInt(values, 'timeout', 1)
  const total = 1 + (await faultsFor(provider)).length
  const progress = progressLine(io, values.progress === true || io.stderr.isTTY === true)
  let done = 0
  let bad = 0
  let report: Awaited<ReturnType<typeof conformance>>
  try {
    report = await conformance(url, {
      provider,
      secret,
      ...(previous === undefined ? {} : { previousSecret: previous }),
      ...(event === undefined ? {} : { event }),
      ...(counterUrl === undefined ? {} : { counterUrl }),
      ...(tolerance === undefined ? {} : { toleranceSeconds: tolerance }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(values.seed === undefined ? {} : { seed: values.seed }),
      ...(method === undefined ? {} : { delivery: { method } }),
      concurrency,
      onCase: (c) => {
        done++
        if (c.verdict === 'fail') bad++
        progress.update(done, total, bad, done === total)
      },
    })
  } finally {
    progress.end()
  }
  if (report.counterError !== undefined) io.stderr.write(`hookproof-send: ${report.counterError}\n`)
  io.stdout.write(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`)
  const unreachable = unreachableMessage(
    url,
    report.cases.flatMap((c) => c.responses),
  )
  if (unreachable !== undefined && report.cases.every((c) => c.responses.every((r) => r.status === undefined))) {
    io.stderr.write(`hookproof-send: ${unreachable}\n`)
    return 2
  }
  return report.failed > 0 ? 1 : report.inconclusive > 0 ? EXIT_INCONCLUSIVE : 0
}

/**
 * The `--list faults` table: each fault, the registry providers it applies to (read from their
 * rows) and what it sends.
 */
export async function faultTable(): Promise<string> {
  const scopes = await Promise.all(MOCK_PROVIDERS.map(async (p) => [p, await faultsFor(p)] as const))
  const rows = FAULTS.map((f) => {
    const to = scopes.filter(([, faults]) => faults.includes(f)).map(([p]) => p)
    return [f.name, to.length === MOCK_PROVIDERS.length ? 'all' : to.join(', '), f.summary]
  })
  return formatTable(['fault', 'applies to', 'what it sends'], rows)
}

async function listCommand(positionals: string[], io: CliIo): Promise<number> {
  const [what, provider] = positionals
  if (what === 'providers') io.stdout.write(`${MOCK_PROVIDERS.join('\n')}\n`)
  else if (what === 'faults') io.stdout.write(`${await faultTable()}\n`)
  else if (what === 'events' && provider !== undefined) {
    io.stdout.write(`${EVENT_TYPES[checkProvider(provider)].join('\n')}\n`)
  } else throw new UsageError('--list takes providers, faults or events <provider>')
  return 0
}

/**
 * Runs `hookproof-send` with `argv` (without `node` and the script) and resolves to its exit code.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2))
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  try {
    let parsed: { values: Values; positionals: string[] }
    try {
      parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true })
    } catch (error) {
      throw new UsageError(withSuggestion((error as Error).message, Object.keys(OPTIONS)))
    }
    const { values, positionals } = parsed
    if (values.help === true) {
      io.stdout.write(USAGE)
      return 0
    }
    if (values.list === true) return await listCommand(positionals, io)
    if (positionals.length === 0) throw new UsageError('a provider is required')
    if (positionals[0] === 'conformance') {
      if (positionals.length > 2) throw new UsageError(`unexpected argument: ${positionals[2]}`)
      return await conformanceCommand(checkProvider(positionals[1]), values, io)
    }
    if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}`)
    if (values['counter-url'] !== undefined) throw new UsageError('--counter-url applies to conformance only')
    return await sendCommand(checkProvider(positionals[0]), values, io)
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError) {
      io.stderr.write(`hookproof-send: ${error.message}\nRun hookproof-send --help for usage.\n`)
      return 2
    }
    throw error
  }
}
