import { createHash, createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto'
import type { CryptoBackend, Hash, Part } from './types.js'

const NODE_HASH: Record<Hash, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-512': 'sha512' }

/** `node:crypto`: synchronous, streams the parts into the MAC without copying the body. */
export const nodeCrypto: CryptoBackend = {
  name: 'node',
  importKey(_hash: Hash, secret: Uint8Array): KeyObject {
    return createSecretKey(secret)
  },
  hmac(hash: Hash, key: unknown, parts: readonly Part[]): Uint8Array {
    const mac = createHmac(NODE_HASH[hash], key as KeyObject)
    for (let i = 0; i < parts.length; i++) mac.update(parts[i] as Part)
    return mac.digest()
  },
  digest(hash: Hash, parts: readonly Part[]): Uint8Array {
    const h = createHash(NODE_HASH[hash])
    for (let i = 0; i < parts.length; i++) h.update(parts[i] as Part)
    return h.digest()
  },
  equal(a: Uint8Array, b: Uint8Array): boolean {
    return a.length === b.length && timingSafeEqual(a, b)
  },
}
