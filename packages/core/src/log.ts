import type { Failure } from './errors.js'
import type { RateWindow } from './log-rejected.js'
import { loadOnDemand, onDemand } from './on-demand-load.js'

/**
 * Where hookproof's log lines go: `console` fits, and so do winston (`warn(message, meta)`) and
 * pino (`warn(message)`: the line itself carries provider, code, status and the first hint; to
 * keep the fields as JSON, pass `{ warn: (message, fields) => pino.warn(fields, message) }`).
 *
 * @example
 * const logger: WebhookLogger = { warn: (message, fields) => pino.warn(fields, message) }
 * app.post('/hooks/orchest', verifyWebhook({ provider: 'orchest', secret, logger }), handler)
 */
export interface WebhookLogger {
  warn(message: string, fields?: Record<string, unknown>): void
}

/**
 * The fields of a rejection line (the message holds them too). Never a secret, a signature or a
 * header value.
 *
 * @example
 * logger: { warn: (message, fields?: RejectionLogFields) => metrics.increment(`webhook.${fields?.code}`) }
 */
export type RejectionLogFields = {
  readonly provider: string | undefined
  readonly code: string
  readonly status: number
  readonly message: string
  /** The first `explain()` hint, when there is one. */
  readonly hint: string | undefined
  /** For a summary line: how many rejections were counted, not logged one by one. */
  readonly suppressed?: number
}

/**
 * 60 s: after a 4xx rejection is logged, further ones with the same provider and code are counted
 * for this long and reported in one line, so a flood of forgeries cannot flood the log.
 *
 * @example
 * `… 312 more SIGNATURE_MISMATCH from orchest in the last ${REJECTION_LOG_INTERVAL_MS / 1000} s`
 */
export const REJECTION_LOG_INTERVAL_MS = 60_000

/**
 * What the flow, `verifyRequest` and `verifyLambdaEvent` call. `rejected` resolves once the line is
 * written (serverless runtimes may freeze right after the response).
 *
 * @example
 * const log: RejectionLog = createRejectionLog(logger, [secret])
 * await log.rejected(failure, () => error.explain())
 */
export interface RejectionLog {
  /** Logs one rejection; `explain` is called only when the line is written. Never throws. */
  rejected(failure: Pick<Failure, 'provider' | 'code' | 'status' | 'message'>, explain: () => Promise<string[]>): Promise<void>
  /** A startup warning (a configuration that works but is probably not what was meant), once per logger and message. */
  warn(message: string): void
}

const SILENT: RejectionLog = Object.freeze({ rejected: async () => {}, warn: () => {} })

function consoleLogger(): WebhookLogger | undefined {
  const c = (globalThis as { console?: { warn?: unknown } }).console
  if (typeof c?.warn !== 'function') return undefined
  return { warn: (message, fields) => (c.warn as (...args: unknown[]) => void)(message, ...(fields === undefined ? [] : [fields])) }
}

/**
 * Checks the `logger` option at startup: `undefined` (console), `false`, or an object with `warn`.
 *
 * @example
 * loggerOption(pinoLogger) // the same object
 */
export function loggerOption(value: unknown): WebhookLogger | false | undefined {
  if (value === undefined || value === false) return value
  if (typeof value === 'object' && value !== null && typeof (value as WebhookLogger).warn === 'function') return value as WebhookLogger
  throw new TypeError('logger must be an object with warn(message, fields?) (console, pino, winston) or false to silence')
}

/** Runs of 24+ base64/hex characters with a digit and a letter: the shape of a MAC or a key, never of a word or a UUID. */
const TOKEN = /[A-Za-z0-9+/_=]{24,}/g

/**
 * Removes the configured secrets (as given, trimmed, and without a `whsec_`-like prefix) and any
 * MAC-shaped token from a line: hints and messages are written not to hold them, and this makes
 * sure a future one cannot leak them either.
 *
 * @example
 * redact('secret s3cr3t-value', ['s3cr3t-value']) // 'secret [redacted]'
 */
export function redact(line: string, secrets: readonly string[]): string {
  let out = line
  for (const secret of secrets) {
    for (const form of new Set([secret, secret.trim(), secret.replace(/^[a-z]+_/, '')])) {
      if (form.length >= 4) out = out.split(form).join('[redacted]')
    }
  }
  return out.replace(TOKEN, (token) => (/\d/.test(token) && /[A-Za-z]/.test(token) ? '[redacted]' : token))
}

function safe(fn: () => void): void {
  try {
    fn()
  } catch {
    // a broken logger must not turn a rejection into a crash
  }
}

/**
 * Builds the rejection log of one verifier or flow: `console.warn` by default, `logger` instead,
 * nothing with `false`. 5xx (configuration failures: body already parsed, store unavailable) are
 * written every time; a 4xx is written the first time per provider and code with its first hint,
 * then counted for {@link REJECTION_LOG_INTERVAL_MS} and reported as one line. Hints are computed
 * only for lines that are written.
 *
 * @example
 * const log = createRejectionLog(undefined, [secret])
 * await log.rejected(failure, () => error.explain())
 */
export function createRejectionLog(
  logger: unknown,
  secrets: readonly string[],
  intervalMs: number = REJECTION_LOG_INTERVAL_MS,
): RejectionLog {
  const option = loggerOption(logger)
  if (option === false) return SILENT
  const target = option ?? consoleLogger()
  if (target === undefined) return SILENT
  const state: LogState = {
    owner: option ?? CONSOLE,
    windows: new Map(),
    intervalMs,
    write: (message, fields) => safe(() => target.warn(redact(message, secrets), fields)),
  }
  return { rejected: (failure, explain) => rejectedIn(state, failure, explain), warn: (message) => warnOnce(state, message) }
}

/** Rejections only: the line and its rate limit load with the first one, not at start. */
function rejectedIn(s: LogState, failure: Rejected, explain: () => Promise<string[]>): Promise<void> {
  if (onDemand !== undefined) return onDemand.logRejected(s, failure, explain)
  return loadOnDemand().then((m) => m.logRejected(s, failure, explain))
}

/** @internal One rejection log: where lines go (redacted) and the open rate-limit windows. */
export interface LogState {
  readonly owner: object
  readonly windows: Map<string, RateWindow>
  readonly intervalMs: number
  readonly write: (message: string, fields: RejectionLogFields | undefined) => void
}

type Rejected = Pick<Failure, 'provider' | 'code' | 'status' | 'message'>

/** A startup warning, once per logger: verify(input, options) builds a verifier per call, and must not repeat it per request. */
function warnOnce(s: LogState, message: string): void {
  let said = warned.get(s.owner)
  if (said === undefined) warned.set(s.owner, (said = new Set()))
  if (said.has(message)) return
  said.add(message)
  s.write(message, undefined)
}

const CONSOLE = {}
const warned = new WeakMap<object, Set<string>>()

const attached = new WeakMap<object, RejectionLog>()

/**
 * @internal Remembers a verifier's log, so that `verifyRequest(request, verifier)` and the flow
 * log through the `logger` the verifier was built with.
 *
 * @example
 * return attachLog({ providers, check, verify }, createRejectionLog(options.logger, secrets))
 */
export function attachLog<T extends object>(verifier: T, log: RejectionLog): T {
  attached.set(verifier, log)
  return verifier
}

/**
 * @internal The log attached by {@link attachLog}, if any.
 *
 * @example
 * const log = logOf(verifier) ?? createRejectionLog(undefined, [])
 */
export function logOf(verifier: object): RejectionLog | undefined {
  return attached.get(verifier)
}

let fallback: RejectionLog | undefined

/**
 * @internal Logs a `check` failure of `verifyRequest` / `verifyLambdaEvent` through the verifier's
 * log (console when the verifier was not built by `createVerifier`). Duplicates are not logged.
 *
 * @example
 * if (!result.ok) await logRejection(verifier, result)
 */
export function logRejection(verifier: object, failure: Failure): Promise<void> {
  if (failure.code === 'DUPLICATE_DELIVERY') return Promise.resolve()
  const log = logOf(verifier) ?? (fallback ??= createRejectionLog(undefined, []))
  const providers = (verifier as { providers?: unknown }).providers
  const only = Array.isArray(providers) && providers.length === 1 ? String(providers[0]) : undefined
  const named = failure.provider === undefined && only !== undefined ? { ...failure, provider: only } : failure
  return log.rejected(named, async () => (failure.hints === undefined ? [] : await failure.hints()))
}

/**
 * @internal Every secret string in verifier options, for {@link redact}.
 *
 * @example
 * secretsIn({ providers: [{ provider: 'orchest', secret: 'a' }], secret: 'b' }) // ['b', 'a']
 */
export function secretsIn(options: unknown): string[] {
  const out: string[] = []
  const add = (value: unknown) => {
    if (typeof value === 'string') out.push(value)
    else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') out.push(v)
  }
  if (typeof options !== 'object' || options === null) return out
  const o = options as { secret?: unknown; secrets?: unknown; providers?: unknown }
  add(o.secret)
  add(o.secrets)
  if (Array.isArray(o.providers)) {
    for (const p of o.providers) {
      if (typeof p !== 'object' || p === null) continue
      add((p as { secret?: unknown }).secret)
      add((p as { secrets?: unknown }).secrets)
    }
  }
  return out
}
