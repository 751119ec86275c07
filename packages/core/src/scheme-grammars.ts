// The three signature grammars of `scheme.ts`, each one object: how it decodes a header value,
// detects a request, and writes a value for `sign`. A row compiled with one grammar
// (`schemeRowWith({ grammar: PREFIX_GRAMMAR }, …)`) references only that one, so a bundle of that row holds no
// other; `compileScheme` and `schemeProvider` pick the grammar from the spec and hold all three.
import type { Hash } from './crypto/types.js'
import { base64ToSignature, hexToSignature } from './encoding.js'
import { type Failure, fail } from './failure.js'
import { decode, isFailure, type RequestView, sentTimes } from './provider.js'
import type { SchemeSpec, SignatureSpec } from './scheme.js'
import { parseTimestamp } from './timestamp.js'

/** @internal Bytes of each hash's digest. */
export const BYTE_LENGTH: Record<Hash, number> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-512': 64 }

/** @internal What a grammar's decoder returns. */
export interface Decoded {
  signatures: Uint8Array[]
  /** The timestamp as sent, when the grammar carries it (`params.timestamp`). */
  timestamp?: string
  timestampValue?: number
}

/** @internal What a grammar's decoder and detector are compiled with. */
export interface GrammarContext {
  display: string
  /** Characters of one encoded digest. */
  length: number
  provider: string
  headers: readonly string[]
  idHeaders?: readonly string[] | undefined
}

/**
 * @internal One signature grammar: `prefix`, `params` or `versioned` (see `SignatureSpec`).
 */
export interface Grammar {
  /** Whether a signature spec is written in this grammar. */
  readonly applies: (sig: SignatureSpec) => boolean
  /** How `singleValue` reads a copy joined with `,`: `'token'` (one value) or `'list'`. */
  readonly joined: 'token' | 'list'
  readonly decoder: (spec: SchemeSpec, c: GrammarContext) => (value: string, name: string) => Decoded | Failure
  readonly detector: (spec: SchemeSpec, c: GrammarContext) => (request: RequestView) => boolean
  /** The signature header's value for a digest. */
  readonly value: (sig: SignatureSpec, digest: string, ts: string | undefined) => string
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** @internal The first of `names` the request carries, with every copy (`undefined` when none is). */
export function firstOf(request: RequestView, names: readonly string[]): { name: string; value: string | string[] } | undefined {
  for (const name of names) {
    // every spelling: a second copy under another casing must not hide behind the first
    const value = request.header(name, true)
    if (value !== undefined) return { name, value }
  }
  return undefined
}

/** `<prefix><digest>` (`sha256=<hex>`, or a bare digest with `prefix: ''`). */
function prefixDecoder(spec: SchemeSpec, c: GrammarContext): (value: string, name: string) => Decoded | Failure {
  const { encoding } = spec.signature
  const prefix = spec.signature.prefix as string
  const grammar = `${prefix}<${c.length} ${encoding === 'hex' ? 'hex digits' : 'base64 characters'}>`
  return (value, name) => {
    if (prefix === '' && /^[A-Za-z0-9-]{1,10}=/.test(value)) {
      return fail('MALFORMED_SIGNATURE', `${name} must be a bare ${grammar}; it starts with "${value.slice(0, value.indexOf('=') + 1)}"`)
    }
    if (!value.startsWith(prefix)) {
      const got = value.slice(0, Math.min(value.indexOf('=') + 1 || 8, 12))
      return fail(
        'MALFORMED_SIGNATURE',
        prefix === '' ? `${name} must be a bare ${grammar}; it starts with "${got}"` : `${name} must start with "${prefix}"`,
      )
    }
    const chars = value.length - prefix.length
    // pooled: the bytes are compared once and dropped (see hexToSignature)
    const decoded =
      chars !== c.length
        ? undefined
        : encoding === 'hex'
          ? hexToSignature(value, prefix.length)
          : base64ToSignature(value.slice(prefix.length))
    if (decoded === undefined) return fail('MALFORMED_SIGNATURE', `${name} must be ${grammar}; got ${chars} characters`)
    return { signatures: [decoded] }
  }
}

/** @internal `<prefix><digest>`: one value. */
export const PREFIX_GRAMMAR: Grammar = {
  applies: (sig) => sig.prefix !== undefined,
  joined: 'token',
  decoder: prefixDecoder,
  detector(spec, c) {
    const { encoding } = spec.signature
    const prefix = spec.signature.prefix as string
    return (request) => {
      const found = firstOf(request, c.headers)
      if (found === undefined || typeof found.value !== 'string') return found !== undefined
      const v = found.value
      return v.length === prefix.length + c.length && v.startsWith(prefix) && decode(encoding, v.slice(prefix.length)) !== undefined
    }
  },
  value: (sig, digest) => (sig.prefix as string) + digest,
}

/** `v1,<digest> v1,<digest>`: the entries of one version, the first that matches wins. */
function versionedDecoder(spec: SchemeSpec, c: GrammarContext): (value: string, name: string) => Decoded | Failure {
  const version = spec.signature.versioned as string
  const { encoding } = spec.signature
  const bytes = BYTE_LENGTH[spec.hash]
  const what = `"${version},<${encoding} HMAC-${spec.hash.replace('-', '')}>"`
  return (value, name) => {
    const signatures: Uint8Array[] = []
    // as the reference libraries: an entry that is not a well-formed version is skipped, not
    // fatal (a sender may add versions this library does not know); a known one must still match
    let skipped = 0
    for (const entry of value.split(' ')) {
      if (entry === '') continue
      const comma = entry.indexOf(',')
      // one comma per entry: a second is a copy of the header joined with "," (API Gateway HTTP APIs)
      if (comma >= 0 && entry.indexOf(',', comma + 1) >= 0) return sentTimes(name, 2, c.provider)
      if (comma < 0 || entry.slice(0, comma) !== version) {
        skipped++
        continue
      }
      const text = entry.slice(comma + 1)
      const decoded = encoding === 'hex' ? hexToSignature(text) : base64ToSignature(text)
      if (decoded === undefined || decoded.length !== bytes) {
        skipped++
        continue
      }
      signatures.push(decoded)
    }
    if (signatures.length === 0) {
      return fail(
        'MALFORMED_SIGNATURE',
        `${c.display} has no valid ${what} entry${skipped > 0 ? ` (${skipped} other or malformed ${skipped === 1 ? 'entry' : 'entries'} skipped)` : ''}`,
      )
    }
    return { signatures }
  }
}

/** @internal `<version>,<digest>` entries joined by a space. */
export const VERSIONED_GRAMMAR: Grammar = {
  applies: (sig) => sig.versioned !== undefined,
  joined: 'list',
  decoder: versionedDecoder,
  detector(spec, c) {
    const entry = new RegExp(`(^|\\s)${escapeRegExp(spec.signature.versioned as string)},`)
    return (request) => {
      const v = firstOf(request, c.headers)?.value
      return typeof v === 'string' && entry.test(v) && (c.idHeaders === undefined || firstOf(request, c.idHeaders) !== undefined)
    }
  },
  value: (sig, digest) => `${sig.versioned},${digest}`,
}

/** `t=<ts>,sha256=<digest>`: `key=value` pairs, the timestamp among them. */
function paramsDecoder(spec: SchemeSpec, c: GrammarContext): (value: string, name: string) => Decoded | Failure {
  const { timestamp: tsKey, signature: sigKey } = spec.signature.params as { timestamp?: string; signature: string }
  const { encoding } = spec.signature
  const unit = spec.timestamp?.unit ?? 's'
  const shape = `${tsKey === undefined ? '' : `${tsKey}=<${unit}>,`}${sigKey}=<${c.length} ${encoding}>`
  const chars = encoding === 'hex' ? 'hex digits' : 'base64 characters'
  // the timestamp's name in messages, spelled once per header name
  const labels = new Map<string, string>()
  return (value, name) => {
    let t: string | undefined
    const signatures: Uint8Array[] = []
    const others: string[] = []
    for (const item of value.split(',')) {
      const eq = item.indexOf('=')
      const key = (eq < 0 ? item : item.slice(0, eq)).trim()
      const v = eq < 0 ? '' : item.slice(eq + 1).trim()
      if (key === tsKey) {
        // the sender writes one of each: a second is a copy joined with "," (API Gateway HTTP APIs)
        if (t !== undefined) return sentTimes(name, 2, c.provider)
        t = v
      } else if (key === sigKey) {
        if (signatures.length > 0) return sentTimes(name, 2, c.provider)
        // pooled: compared once and dropped (see hexToSignature)
        const bytes = v.length === c.length ? (encoding === 'hex' ? hexToSignature(v) : base64ToSignature(v)) : undefined
        if (bytes === undefined) {
          return fail('MALFORMED_SIGNATURE', `"${sigKey}" in ${name} must be ${c.length} ${chars}; got ${v.length} characters`)
        }
        signatures.push(bytes)
      } else others.push(key)
    }
    if (signatures.length === 0) {
      return fail(
        'MALFORMED_SIGNATURE',
        `${name} must be "${shape}"; it has no "${sigKey}="${others.length ? ` (keys: ${others.slice(0, 4).join(', ')})` : ''}`,
      )
    }
    if (tsKey === undefined) return { signatures }
    if (t === undefined) return fail('MISSING_TIMESTAMP', `${name} has no "${tsKey}=<${unit}>" timestamp`)
    let label = labels.get(name)
    if (label === undefined) labels.set(name, (label = `"${tsKey}" in ${name}`))
    const timestampValue = parseTimestamp(t, label)
    if (isFailure(timestampValue)) return timestampValue
    return { signatures, timestamp: t, timestampValue }
  }
}

/** @internal `key=value` pairs joined by `,`. */
export const PARAMS_GRAMMAR: Grammar = {
  applies: (sig) => sig.params !== undefined,
  joined: 'list',
  decoder: paramsDecoder,
  detector(spec, c) {
    const params = spec.signature.params as { timestamp?: string; signature: string }
    const digit = spec.signature.encoding === 'hex' ? '[0-9a-fA-F]' : '[A-Za-z0-9+/=]'
    const ts = params.timestamp === undefined ? '' : `${escapeRegExp(params.timestamp)}=\\d+\\s*,\\s*`
    const shape = new RegExp(`^\\s*${ts}${escapeRegExp(params.signature)}=${digit}{${c.length}}\\s*$`)
    return (request) => {
      const v = firstOf(request, c.headers)?.value
      return typeof v === 'string' && shape.test(v)
    }
  },
  value: (sig, digest, ts) => {
    const params = sig.params as { timestamp?: string; signature: string }
    return `${params.timestamp !== undefined ? `${params.timestamp}=${ts},` : ''}${params.signature}=${digest}`
  },
}
