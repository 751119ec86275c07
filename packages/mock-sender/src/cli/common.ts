/**
 * What every `hookproof-send` command shares: the flags, their checks, the usage error, the
 * progress line, and how an answer is observed. One place, so `send`, `conformance` and `list`
 * agree on every flag.
 */
import type { parseArgs } from 'node:util'
import { providers } from '@hookproof/core'
import { type ObservedResponse, responseCode, responseDetail } from '../conformance/conformance.js'
import { MOCK_PROVIDERS, type MockProvider } from '../delivery.js'
import { EVENT_TYPES } from '../events.js'
import { vendorOf } from '../vendors/index.js'
import type { SendAttempt } from '../wire/send.js'
import { UNREACHABLE_CODES } from '../wire/transport.js'
import { httpUrlProblem } from './usage.js'

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

/** A mistake in the command line: exit 2 with the message and a pointer to `--help`. */
export class UsageError extends Error {}

export const OPTIONS = {
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

export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values']

export function positiveInt(values: Values, name: keyof Values, fallback: number): number {
  const raw = values[name]
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || n < 1) {
    throw new UsageError(`--${name} must be a positive integer, got ${String(raw)}`)
  }
  return n
}

export function nonNegativeInt(values: Values, name: keyof Values): number | undefined {
  const raw = values[name]
  if (raw === undefined) return undefined
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) {
    throw new UsageError(`--${name} must be a non-negative integer, got ${String(raw)}`)
  }
  return Number(raw)
}

export function checkUrl(raw: string | undefined, flag: string): string {
  if (raw === undefined) throw new UsageError(`${flag} is required`)
  const problem = httpUrlProblem(raw, flag)
  if (problem !== undefined) throw new UsageError(problem)
  return raw
}

export const METHODS = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const

/** `--method`: for vendors that let the user pick it (their vendor file lists `methods`); the others always POST. */
export function checkMethod(provider: MockProvider, raw: string | undefined): (typeof METHODS)[number] | undefined {
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

export function checkProvider(raw: string | undefined): MockProvider {
  if (raw === undefined) throw new UsageError(`a provider is required: one of ${MOCK_PROVIDERS.join(', ')}`)
  if (!(MOCK_PROVIDERS as readonly string[]).includes(raw)) {
    throw new UsageError(`unknown provider "${raw}"; one of ${MOCK_PROVIDERS.join(', ')}`)
  }
  return raw as MockProvider
}

export function secrets(provider: MockProvider, values: Values, env: CliIo['env']): { secret: string; previous?: string } {
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

export function checkEvent(provider: MockProvider, event: string | undefined): string | undefined {
  if (event !== undefined && !EVENT_TYPES[provider].includes(event)) {
    throw new UsageError(`unknown ${provider} event "${event}"; see hookproof-send --list events ${provider}`)
  }
  return event
}

/** A progress line on stderr: rewritten in place on a terminal, one line per update otherwise. */
export function progressLine(io: CliIo, enabled: boolean) {
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

export function observed(attempt: SendAttempt): ObservedResponse {
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

export function unreachableMessage(url: string, responses: readonly ObservedResponse[]): string | undefined {
  const r = responses.find((x) => x.error?.kind === 'network' && UNREACHABLE_CODES.includes(x.error.code ?? ''))
  return r === undefined ? undefined : `cannot reach ${url}: ${r.error?.code} (${r.error?.message})`
}
