import { joinChunks } from '../web-body.js'
import type { CryptoBackend, Hash, Part } from './types.js'

const encoder = new TextEncoder()

function join(parts: readonly Part[]): Uint8Array {
  // Web Crypto has no streaming MAC: one buffer is unavoidable here
  if (parts.length === 1 && typeof parts[0] !== 'string') return parts[0] as Uint8Array
  const bytes = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : p))
  let n = 0
  for (const b of bytes) n += b.length
  return joinChunks(bytes, n)
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle
  if (!s) throw new TypeError('hookproof: Web Crypto (globalThis.crypto.subtle) is not available in this runtime')
  return s
}

/** Web Crypto: keys imported once per verifier and hash, then reused for every request. */
export const webCrypto: CryptoBackend = {
  name: 'web',
  importKey(hash: Hash, secret: Uint8Array): Promise<CryptoKey> {
    return subtle().importKey('raw', secret as BufferSource, { name: 'HMAC', hash }, false, ['sign'])
  },
  async hmac(hash: Hash, key: unknown, parts: readonly Part[]): Promise<Uint8Array> {
    const k = await (key as Promise<CryptoKey>)
    void hash
    return new Uint8Array(await subtle().sign('HMAC', k, join(parts) as BufferSource))
  },
  async digest(hash: Hash, parts: readonly Part[]): Promise<Uint8Array> {
    return new Uint8Array(await subtle().digest(hash, join(parts) as BufferSource))
  },
  equal(a: Uint8Array, b: Uint8Array): boolean {
    if (a.length !== b.length) return false
    let diff = 0
    for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number)
    return diff === 0
  },
}
