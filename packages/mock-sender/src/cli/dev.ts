/**
 * `hookproof dev`: the inspector. Parses its flags, reads the secrets from the registry rows'
 * variables, starts `startDevServer` and waits for a stop.
 */
import { parseArgs } from 'node:util'
import { type Provider, providers } from '@hookproof/core'
import { type DevServer, startDevServer } from '../dev/server.js'
import { type CliIo, UsageError } from './common.js'
import { httpUrlProblem, withSuggestion } from './usage.js'

/**
 * What `hookproof` writes to and, for `dev`, what stops it (default: SIGINT or SIGTERM).
 *
 * @example
 * const stop = new AbortController()
 * const io: HookproofIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: stop.signal }
 */
export interface HookproofIo extends CliIo {
  signal?: AbortSignal
  /** Called once the dev server listens (tests read its URL and token). */
  onListening?: (server: DevServer) => void
}

const DEV_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  forward: { type: 'string' },
  secret: { type: 'string', multiple: true },
  dir: { type: 'string' },
  'max-deliveries': { type: 'string' },
  'max-bytes': { type: 'string' },
  tolerance: { type: 'string' },
  'forward-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

const registry = providers as unknown as Record<string, Provider>

function int(raw: string | undefined, flag: string, min: number): number | undefined {
  if (raw === undefined) return undefined
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new UsageError(`--${flag} must be an integer of at least ${min}, got ${raw}`)
  return Number(raw)
}

/**
 * The secrets `hookproof dev` uses: each provider's `*_WEBHOOK_SECRET` (and `_PREVIOUS`), then
 * every `--secret provider=value`, which wins.
 *
 * @example
 * devSecrets(['orchest=s3cret'], { GITHUB_WEBHOOK_SECRET: 'gh' }) // { github: ['gh'], orchest: ['s3cret'] }
 */
export function devSecrets(flags: readonly string[], env: Readonly<Record<string, string | undefined>>): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const p of Object.values(registry)) {
    // the current name, else a former one that is set (STANDARD_WEBHOOKS_SECRET)
    const name = p.envVar !== undefined && !env[p.envVar] ? (p.legacyEnvVars?.find((n) => env[n]) ?? p.envVar) : p.envVar
    const current = name === undefined ? undefined : env[name]
    if (current === undefined || current === '') continue
    const previous = env[`${name}_PREVIOUS`]
    out[p.name] = previous ? [current, previous] : [current]
  }
  for (const flag of flags) {
    const at = flag.indexOf('=')
    const name = at < 0 ? '' : flag.slice(0, at)
    if (registry[name] === undefined) {
      throw new UsageError(
        `--secret takes <provider>=<secret> with a provider of ${Object.keys(registry).join(', ')}; got ${at < 0 ? 'no =' : name}`,
      )
    }
    const value = flag.slice(at + 1)
    if (value === '') throw new UsageError(`--secret ${name}= is empty`)
    out[name] = [value]
  }
  return out
}

/** Runs `hookproof dev ...`; resolves when it is stopped. `usage` is what `--help` prints. */
export async function devCommand(argv: readonly string[], io: HookproofIo, usage: string): Promise<number> {
  let values: ReturnType<typeof parseArgs<{ options: typeof DEV_OPTIONS }>>['values']
  try {
    values = parseArgs({ args: [...argv], options: DEV_OPTIONS, strict: true }).values
  } catch (error) {
    throw new UsageError(withSuggestion((error as Error).message, Object.keys(DEV_OPTIONS)))
  }
  if (values.help === true) {
    io.stdout.write(usage)
    return 0
  }
  const secrets = devSecrets(values.secret ?? [], io.env)
  const host = values.host ?? '127.0.0.1'
  if (values.forward !== undefined) {
    const problem = httpUrlProblem(values.forward, '--forward')
    if (problem !== undefined) throw new UsageError(problem)
  }
  const maxDeliveries = int(values['max-deliveries'], 'max-deliveries', 1)
  const maxBytes = int(values['max-bytes'], 'max-bytes', 1)
  const toleranceSeconds = int(values.tolerance, 'tolerance', 1)
  const forwardTimeoutMs = int(values['forward-timeout'], 'forward-timeout', 1)
  const port = int(values.port, 'port', 0) ?? 4400
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`)

  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    io.stderr.write(
      `hookproof dev: warning: listening on ${host}, not 127.0.0.1: anyone who can reach it can read the captured deliveries. A tunnel to 127.0.0.1 is safer.\n`,
    )
  }
  const names = Object.keys(secrets)
  if (names.length === 0) {
    const vars = Object.values(registry)
      .map((p) => p.envVar)
      .filter(Boolean)
    io.stderr.write(
      `hookproof dev: warning: no secret configured, so no delivery can be verified. Set one of ${vars.join(', ')} or pass --secret <provider>=<secret>.\n`,
    )
  }
  let server: DevServer
  try {
    server = await startDevServer({
      port,
      host,
      secrets,
      ...(values.forward === undefined ? {} : { forward: values.forward }),
      ...(values.dir === undefined ? {} : { dir: values.dir }),
      ...(maxDeliveries === undefined ? {} : { maxDeliveries }),
      ...(maxBytes === undefined ? {} : { maxBytes }),
      ...(toleranceSeconds === undefined ? {} : { toleranceSeconds }),
      ...(forwardTimeoutMs === undefined ? {} : { forwardTimeoutMs }),
      log: (line) => io.stderr.write(`${line}\n`),
    })
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    if (e.code === 'EADDRINUSE') {
      io.stderr.write(`hookproof dev: port ${port} is in use; pass --port <n>\n`)
      return 2
    }
    if (error instanceof TypeError) throw new UsageError(error.message)
    throw error
  }
  io.stdout.write(
    [
      `hookproof dev: open ${server.url}/`,
      `  send deliveries to ${server.url}/<provider> (${names.length === 0 ? 'no secret configured' : `secrets for ${names.join(', ')}`}), or any other path`,
      values.forward === undefined
        ? '  no --forward: deliveries are answered as a hookproof receiver would (2xx or the rejection)'
        : `  forwarding to ${values.forward} (the path appended)`,
      `  kept in ${server.store.dir}`,
      '',
    ].join('\n'),
  )
  io.onListening?.(server)
  await new Promise<void>((resolve) => {
    if (io.signal !== undefined) {
      if (io.signal.aborted) resolve()
      else io.signal.addEventListener('abort', () => resolve(), { once: true })
      return
    }
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  await server.close()
  return 0
}
