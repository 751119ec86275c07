import type { CryptoBackend, Hash, Part } from './crypto/types.js'
import { utf8 } from './encoding.js'
import type { Provider, SignInput } from './provider.js'
import type { ProviderTable } from './verify.js'

/**
 * @internal `sign` on a backend and the providers it knows by name: the headers the provider's
 * sender would attach. Reads the same row as the verifier; the entry (`api.ts`) adds the TSDoc'd name.
 */
export async function signWith(
  backend: CryptoBackend,
  table: ProviderTable,
  provider: string | Provider,
  input: SignInput,
): Promise<Record<string, string>> {
  const row = typeof provider === 'string' ? table.providers[provider] : provider
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
