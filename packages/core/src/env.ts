import { createRejectionLog, type WebhookLogger } from './log.js'
import type { Provider } from './provider.js'
import { providers as registry } from './providers/index.js'
import type { ProviderConfig, VerifierOptions } from './verify.js'

type Env = Readonly<Record<string, string | undefined>>

function set(env: Env, name: string): string | undefined {
  const value = env[name]
  return value === undefined || value === '' ? undefined : value
}

/** The variable a provider's secret is read from: its `envVar`, else the first former name that is set. */
function secretVariable(provider: Provider, env: Env, warn: (message: string) => void): string | undefined {
  const name = provider.envVar as string
  const legacy = (provider.legacyEnvVars ?? []).find((n) => set(env, n) !== undefined)
  if (legacy === undefined) return set(env, name) === undefined ? undefined : name
  if (set(env, name) === undefined) return legacy
  if (env[name] !== env[legacy]) {
    warn(`hookproof: ${name} and ${legacy} are both set and differ: ${name} wins (${legacy} is its former name; unset it)`)
  }
  return name
}

/**
 * Options from environment variables, for the zero-argument adapters: every built-in provider
 * whose `*_WEBHOOK_SECRET` is set (`Y42_WEBHOOK_SECRET`, `UP42_WEBHOOK_SECRET`,
 * `ORCHEST_WEBHOOK_SECRET`, `DESIGNER_CLOUD_WEBHOOK_SECRET`, `XPLENTY_WEBHOOK_SECRET`,
 * `GITHUB_WEBHOOK_SECRET`, `STANDARD_WEBHOOKS_WEBHOOK_SECRET`), with `<NAME>_PREVIOUS` as the
 * rotated-out secret. `STANDARD_WEBHOOKS_SECRET`, its former name, is still read; when both are
 * set and differ, the new name wins and `logger` (default console) is warned. Throws `TypeError`
 * at startup when none is set.
 *
 * @example
 * const verifier = createVerifier(optionsFromEnv())
 */
export function optionsFromEnv(
  env: Env = (globalThis as { process?: { env?: Env } }).process?.env ?? {},
  logger?: WebhookLogger | false,
): VerifierOptions {
  const configs: ProviderConfig[] = []
  const warn = (message: string) => createRejectionLog(logger, []).warn(message)
  for (const provider of Object.values(registry) as Provider[]) {
    if (provider.envVar === undefined) continue
    const name = secretVariable(provider, env, warn)
    if (name === undefined) continue
    const current = env[name] as string
    const previous = env[`${name}_PREVIOUS`]
    configs.push({ provider, secrets: previous ? [current, previous] : [current] })
  }
  if (configs.length === 0) {
    const names = (Object.values(registry) as Provider[]).map((p) => p.envVar).filter(Boolean)
    throw new TypeError(`No webhook secret in the environment. Set one of: ${names.join(', ')}`)
  }
  return { providers: configs }
}
