import { PROVIDER_ALIASES, providers } from './providers/index.js'
import { xplentyOptionsProblem } from './providers/xplenty.js'
import type { ProviderTable } from './verify.js'

/**
 * @internal Every built-in provider, their aliases and the startup check of the Xplenty switches:
 * what the two full entries (node.ts, index.ts) bind. A per-provider entry binds its row alone.
 */
export const registry: ProviderTable = {
  providers,
  aliases: PROVIDER_ALIASES,
  optionsProblem: (options, rows) => (rows.includes(providers.xplenty) ? xplentyOptionsProblem(options) : undefined),
}
