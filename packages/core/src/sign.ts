import type { CryptoBackend, Hash, Part } from './crypto/types.js'
import { utf8 } from './encoding.js'
import type { Provider, SignInput } from './provider.js'
import { type ProviderName, providers as registry } from './providers/index.js'

/** @internal Builds `sign` over a crypto backend. */
export function signerFactory(backend: CryptoBackend) {
  /**
   * The sending side: the headers a provider's sender would attach to `body`. Reads the same
   * provider row as the verifier; the mock sender signs with exactly this.
   *
   * @example
   * const headers = await sign('designer-cloud', { secret: 'test-secret-1', body, now: 1_700_000_000_000 })
   * // { 'X-Webhook-Signature': 't=1700000000000,sha256=d27803d9…' }
   */
  return async function sign(provider: ProviderName | Provider, input: SignInput): Promise<Record<string, string>> {
    const row = typeof provider === 'string' ? (registry as Record<string, Provider>)[provider] : provider
    if (row === undefined) throw new TypeError(`Unknown provider "${String(provider)}"`)
    if (typeof input?.secret !== 'string' || input.secret === '') throw new TypeError('sign: secret must be a non-empty string')
    const key = row.keyFromSecret ? row.keyFromSecret(input.secret) : utf8(input.secret)
    const body = typeof input.body === 'string' ? utf8(input.body) : input.body
    return row.sign(
      { ...input, body },
      {
        hmac: async (hash: Hash, parts: readonly Part[]) => backend.hmac(hash, await backend.importKey(hash, key), parts),
        digest: async (hash: Hash, parts: readonly Part[]) => backend.digest(hash, parts),
      },
    )
  }
}
