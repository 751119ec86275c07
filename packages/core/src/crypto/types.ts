/**
 * Hash algorithms the providers use.
 *
 * @example
 * const hash: Hash = 'SHA-256'
 */
export type Hash = 'SHA-1' | 'SHA-256' | 'SHA-512'

/**
 * A piece of the signed content; pieces are fed to the MAC in order, never concatenated on Node.
 *
 * @example
 * // Standard Webhooks signs `${id}.${timestamp}.${body}` as three parts around the body bytes
 * const parts: Part[] = [`${id}.${timestamp}.`, body]
 */
export type Part = Uint8Array | string

/**
 * What the verifier needs from a crypto implementation: `node:crypto` or Web Crypto.
 *
 * @example
 * // the exports map picks one: `node` condition -> node:crypto, everything else -> Web Crypto
 * import { createVerifier } from '@hookproof/core'
 */
export interface CryptoBackend {
  readonly name: 'node' | 'web'
  /** Prepares a key once per verifier and algorithm. */
  importKey(hash: Hash, secret: Uint8Array): unknown
  /** HMAC of the parts in order. */
  hmac(hash: Hash, key: unknown, parts: readonly Part[]): Uint8Array | Promise<Uint8Array>
  /** Plain digest of the parts in order. */
  digest(hash: Hash, parts: readonly Part[]): Uint8Array | Promise<Uint8Array>
  /** Constant-time equality of two byte strings; `false` (never a throw) on different lengths. */
  equal(a: Uint8Array, b: Uint8Array): boolean
}
