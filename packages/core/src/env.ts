import type { Provider } from './provider.js'
import { providers as registry } from './providers/index.js'
import type { ProviderConfig, VerifierOptions } from './verify.js'

type Env = Readonly<Record<string, string | undefined>>

/**
 * Options from environment variables, for the zero-argument adapters: every built-in provider
 * whose `*_WEBHOOK_SECRET` is set (`Y42_WEBHOOK_SECRET`, `UP42_WEBHOOK_SECRET`,
 * `ORCHEST_WEBHOOK_SECRET`, `DESIGNER_CLOUD_WEBHOOK_SECRET`, `XPLENTY_WEBHOOK_SECRET`,
 * `GITHUB_WEBHOOK_SECRET`, `STANDARD_WEBHOOKS_SECRET`), with `<NAME>_PREVIOUS` as the rotated-out
 * secret. Throws `TypeError` at startup when none is set.
 *
 * @example
 * const verifier = createVerifier(optionsFromEnv())
 */
export function optionsFromEnv(env: Env = (globalThis as { process?: { env?: Env } }).process?.env ?? {}): VerifierOptions {
  const configs: ProviderConfig[] = []
  for (const provider of Object.values(registry) as Provider[]) {
    if (provider.envVar === undefined) continue
    const current = env[provider.envVar]
    if (current === undefined || current === '') continue
    const previous = env[`${provider.envVar}_PREVIOUS`]
    configs.push({ provider, secrets: previous ? [current, previous] : [current] })
  }
  if (configs.length === 0) {
    const names = (Object.values(registry) as Provider[]).map((p) => p.envVar).filter(Boolean)
    throw new TypeError(`No webhook secret in the environment. Set one of: ${names.join(', ')}`)
  }
  return { providers: configs }
}
