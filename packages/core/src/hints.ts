import type { CryptoBackend, Part } from './crypto/types.js'
import { base64ToBytes, hexToBytes, utf8 } from './encoding.js'
import type { Failure } from './errors.js'
import { mediaType } from './payload.js'
import type { ParsedSignature, Provider, RequestView } from './provider.js'
import { providers as registry } from './providers/index.js'
import { XPLENTY_EVENTS, xplentyMetadataEvent, xplentyMetadataParts } from './providers/xplenty.js'
import { toMs } from './timestamp.js'

/** What `explain()` looks at; kept in a closure, never on an enumerable property. */
export interface DiagnoseState {
  entry: { provider: Provider; secrets: readonly string[]; keyBytes: readonly Uint8Array[] }
  view: RequestView
  parsed?: ParsedSignature
  failure: Failure
  toleranceMs: number
  nowMs: number
  configured: readonly Provider[]
}

/**
 * Largest body `explain()` decodes, re-serialises or re-signs. Above it those hints are skipped
 * with a hint that says so: `explain()` runs for rejections, which anyone can send, so it must
 * cost about what the rejection did, not ten MACs and three JSON passes over a 5 MiB body.
 */
export const DIAGNOSE_BODY_LIMIT = 256 * 1024

/** Most MACs (or digests) one `explain()` computes, over all hints and secrets together. */
export const DIAGNOSE_MAX_MACS = 8

/** Longest header value a hint reads; rows read at most 8 KiB (`MAX_HEADER_LENGTH`) too. */
const HINT_HEADER_LENGTH = 8192

const SPENT = new Uint8Array(0)

function partsLength(parts: readonly Part[]): number {
  let n = 0
  for (const part of parts) n += part.length
  return n
}

/**
 * The backend the hints see: at most `DIAGNOSE_MAX_MACS` MACs, none over more than
 * `DIAGNOSE_BODY_LIMIT` (plus 8 KiB of headers). A refused MAC is an empty result, which
 * `equal` never matches, so every hint stays written as if the budget did not exist.
 */
function budgeted(backend: CryptoBackend): { backend: CryptoBackend; skipped: () => boolean } {
  let left = DIAGNOSE_MAX_MACS
  let skipped = false
  const allow = (parts: readonly Part[]) => {
    if (partsLength(parts) > DIAGNOSE_BODY_LIMIT + HINT_HEADER_LENGTH) {
      skipped = true
      return false
    }
    return left-- > 0
  }
  return {
    backend: {
      name: backend.name,
      importKey: (hash, secret) => backend.importKey(hash, secret),
      hmac: (hash, key, parts) => (allow(parts) ? backend.hmac(hash, key, parts) : SPENT),
      digest: (hash, parts) => (allow(parts) ? backend.digest(hash, parts) : SPENT),
      equal: (a, b) => a.length > 0 && backend.equal(a, b),
    },
    skipped: () => skipped,
  }
}

function pythonString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * JSON as Python's `json.dumps` defaults write it (Orchest's format). Iterative: a body nested
 * 100k arrays deep parses, and must not overflow the stack here either.
 *
 * @example
 * pythonJson({ a: [1, 'é'] }) // '{"a": [1, "\\u00e9"]}'
 */
export function pythonJson(root: unknown): string {
  const out: string[] = []
  // pending work, last first: a `string` is text to write, a `{ value }` a value to serialise
  const stack: Array<string | { value: unknown }> = [{ value: root }]
  while (stack.length > 0) {
    const item = stack.pop() as string | { value: unknown }
    if (typeof item === 'string') {
      out.push(item)
      continue
    }
    const value = item.value
    if (typeof value === 'string') out.push(pythonString(value))
    else if (value === null || typeof value !== 'object') out.push(JSON.stringify(value) ?? 'null')
    else if (Array.isArray(value)) {
      stack.push(']')
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({ value: value[i] })
        if (i > 0) stack.push(', ')
      }
      stack.push('[')
    } else {
      const entries = Object.entries(value)
      stack.push('}')
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i] as [string, unknown]
        stack.push({ value: v })
        stack.push(`${i > 0 ? ', ' : ''}${pythonString(k)}: `)
      }
      stack.push('{')
    }
  }
  return out.join('')
}

const WHITESPACE_OR_QUOTES = /^[\s"'`]+|[\s"'`]+$/g

async function macWith(backend: CryptoBackend, p: ParsedSignature, key: Uint8Array, parts: readonly Part[]): Promise<Uint8Array> {
  if (p.mac === 'salted-digest') return backend.digest(p.hash, [...parts, key])
  return backend.hmac(p.hash, await backend.importKey(p.hash, key), parts)
}

async function anyMatch(backend: CryptoBackend, p: ParsedSignature, keys: readonly Uint8Array[], parts: readonly Part[]): Promise<boolean> {
  for (const key of keys) {
    const mac = await macWith(backend, p, key, parts)
    if (p.signatures.some((s) => backend.equal(mac, s))) return true
  }
  return false
}

function resembles(state: DiagnoseState): string[] {
  const current = state.entry.provider.name
  const relaxed: RequestView = { ...state.view, options: { ...state.view.options, allowLegacySha1: true } }
  const out: string[] = []
  for (const p of Object.values(registry) as Provider[]) {
    if (p.name === current) continue
    let looks = false
    try {
      looks = p.detect(relaxed)
    } catch {
      looks = false
    }
    if (!looks) continue
    const configured = state.configured.some((c) => c.name === p.name)
    out.push(
      p.name === 'github' && current === 'orchest'
        ? 'X-Hub-Signature holds "sha1=<hex>", GitHub\'s legacy format; Orchest sends a bare 64-hex value. This delivery probably comes from GitHub: use provider "github"'
        : `The signature headers look like ${p.title} (provider "${p.name}"), not ${state.entry.provider.title}${configured ? '' : `: configure provider "${p.name}"`}`,
    )
  }
  return out
}

async function secretHints(backend: CryptoBackend, state: DiagnoseState, p: ParsedSignature): Promise<string[]> {
  const out: string[] = []
  const provider = state.entry.provider
  for (let i = 0; i < state.entry.secrets.length; i++) {
    const secret = state.entry.secrets[i] as string
    const cleaned = secret.replace(WHITESPACE_OR_QUOTES, '')
    if (cleaned === secret || cleaned === '') continue
    let key: Uint8Array
    try {
      key = provider.keyFromSecret ? provider.keyFromSecret(cleaned) : utf8(cleaned)
    } catch {
      continue
    }
    const ok = await anyMatch(backend, p, [key], p.parts)
    out.push(
      ok
        ? `Secret #${i} has surrounding whitespace or quotes; without them the signature matches. Trim the value you configured (e.g. a trailing newline from a secrets file)`
        : `Secret #${i} has surrounding whitespace or quotes; the sender's settings rarely include them`,
    )
  }
  return out
}

/** `true` when the bytes hold EF BF BD, the UTF-8 form of U+FFFD that lenient decoders put for invalid bytes. */
function hasReplacementChar(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(0xef); i >= 0 && i + 2 < bytes.length; i = bytes.indexOf(0xef, i + 1)) {
    if (bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) return true
  }
  return false
}

/** The bytes the sender signed, if a proxy or gateway re-encoded them on the way (base64, Latin-1). */
async function transportHints(
  backend: CryptoBackend,
  state: DiagnoseState,
  p: ParsedSignature,
  at: number,
  text: string,
): Promise<string[]> {
  const matches = async (bytes: Uint8Array) => {
    const parts = [...p.parts]
    parts[at] = bytes
    return anyMatch(backend, p, state.entry.keyBytes, parts)
  }
  const compact = text.replace(/\s+/g, '')
  const decoded = compact.length >= 4 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact) ? base64ToBytes(compact) : undefined
  if (decoded !== undefined && (await matches(decoded))) {
    return [
      'The body is base64 of the signed bytes: it was base64-encoded on the way (API Gateway or a function URL with isBase64Encoded not honoured, or a proxy). Verify the decoded bytes; verifyLambdaEvent(event) decodes them when isBase64Encoded is true',
    ]
  }
  if (hasReplacementChar(state.view.body)) {
    return [
      'The body contains U+FFFD replacement characters: binary bytes were decoded as UTF-8 text before verification and the original bytes are lost. On API Gateway REST APIs add the content type to binaryMediaTypes so the body arrives base64-encoded (verifyLambdaEvent decodes it); elsewhere pass the raw bytes, not text',
    ]
  }
  // every character below U+0100 and some above ASCII: the signed bytes may be these code points
  if (/[\u0080-\u00ff]/.test(text) && !/[\u0100-\uffff]/.test(text)) {
    const latin1 = new Uint8Array(text.length)
    for (let i = 0; i < text.length; i++) latin1[i] = text.charCodeAt(i)
    if (await matches(latin1)) {
      return [
        'The body was re-encoded as UTF-8 from single-byte text (ISO-8859-1 / Latin-1): a proxy or gateway decoded the bytes with the wrong charset. The signed bytes are the Latin-1 form; pass the body through untouched',
      ]
    }
  }
  return []
}

async function bodyHints(backend: CryptoBackend, state: DiagnoseState, p: ParsedSignature): Promise<string[]> {
  const { view } = state
  const at = p.parts.indexOf(view.body)
  if (at < 0 || view.body.length === 0 || view.body.length > DIAGNOSE_BODY_LIMIT) return []
  const text = new TextDecoder().decode(view.body)
  const ct = view.header('content-type')
  const type = mediaType(typeof ct === 'string' ? ct : ct?.[0])
  if (type === 'application/x-www-form-urlencoded' && state.entry.provider.formFieldsAreJson && /[{}"]/.test(text)) {
    return [
      'The form body contains raw JSON characters: it looks URL-decoded before verification. Orchest signs the percent-encoded bytes; pass the raw body',
    ]
  }
  const transport = await transportHints(backend, state, p, at, text)
  if (transport.length > 0) return transport
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return []
  }
  const forms: Array<[string, () => string]> = [
    ['Python json.dumps (", " and ": " separators, \\u escapes)', () => pythonJson(value)],
    ['compact JSON', () => JSON.stringify(value)],
    ['JSON indented by 2 spaces', () => JSON.stringify(value, null, 2)],
  ]
  let compact: string | undefined
  for (const [name, write] of forms) {
    let form: string
    try {
      form = write()
    } catch {
      continue // JSON.stringify recurses: a body nested deeper than the stack is not worth a hint
    }
    if (name === 'compact JSON') compact = form
    if (form === text) continue
    const parts = [...p.parts]
    parts[at] = utf8(form)
    if (await anyMatch(backend, p, state.entry.keyBytes, parts)) {
      return [
        `The sender signed the body as ${name}, but these bytes differ: the body was re-serialised (a JSON body parser ran before verification). Verify the raw bytes as received`,
      ]
    }
  }
  if (text === compact) {
    return [
      'The body is exactly what JSON.stringify would emit. If a JSON body parser ran before verification, the original bytes are lost: verify the raw body',
    ]
  }
  return []
}

async function encodingHints(backend: CryptoBackend, state: DiagnoseState): Promise<string[]> {
  const provider = state.entry.provider
  for (const name of provider.signatureHeaders) {
    const full = state.view.header(name)
    if (typeof full !== 'string') continue
    const value = full.slice(0, HINT_HEADER_LENGTH)
    const token = /[A-Za-z0-9+/]{42,43}=?/.exec(value)?.[0]
    const bytes = token && token.length % 4 === 0 ? base64ToBytes(token) : undefined
    if (bytes === undefined || bytes.length !== 32) continue
    const t = /(?:^|,)\s*t=(\d+)/.exec(value)?.[1]
    const parts: Part[] = t === undefined ? [state.view.body] : [t, '.', state.view.body]
    for (const key of state.entry.keyBytes) {
      const mac = await backend.hmac('SHA-256', await backend.importKey('SHA-256', key), parts)
      if (backend.equal(mac, bytes)) {
        return [
          `${name} holds the right HMAC-SHA256 in base64; ${provider.title} signatures are hex. The sender encodes differently than documented: report it`,
        ]
      }
    }
  }
  return []
}

async function xplentyHints(backend: CryptoBackend, state: DiagnoseState, p: ParsedSignature): Promise<string[]> {
  const sig = hexToBytes(p.value)
  if (sig === undefined) return []
  const { keyBytes } = state.entry
  for (const key of keyBytes) {
    for (const hash of ['SHA-1', 'SHA-256'] as const) {
      if (sig.length !== (hash === 'SHA-1' ? 20 : 32)) continue
      const mac = await backend.hmac(hash, await backend.importKey(hash, key), [state.view.body])
      if (backend.equal(mac, sig))
        return [`X-Hook-Signature matches HMAC-${hash.replace('-', '')} of the body; set xplentyScheme: 'body-hmac'`]
    }
  }
  const meta = state.view.options.xplentyMetadata
  if (p.mac === 'salted-digest') {
    if (typeof meta !== 'object' || meta === null) return []
    const event = xplentyMetadataEvent(meta, state.view)
    return [
      `sha1-metadata hashed hook id ${String(meta.hookId)}, event "${event}", url ${meta.url} and the secret, separated by ${JSON.stringify(meta.separator ?? '')}`,
    ]
  }
  if (typeof meta !== 'object' || meta === null || sig.length !== 20) {
    return [
      'X-Hook-Signature matched neither HMAC-SHA1 nor HMAC-SHA256 of the body. If your Xplenty hook signs metadata (SHA-1 of hook id + event + url + salt), set xplentyMetadata: { hookId, url } so explain() can test it, then xplentyScheme: "sha1-metadata"',
    ]
  }
  // a fixed, small set (the configured event source, then the documented names): bounded cost
  const read = xplentyMetadataEvent(meta, state.view)
  for (const event of read === undefined ? XPLENTY_EVENTS : [read, ...XPLENTY_EVENTS]) {
    for (const key of keyBytes) {
      if (!backend.equal(await backend.digest('SHA-1', [...xplentyMetadataParts(meta, event), key]), sig)) continue
      const where = event === read ? '' : `; the delivery does not name "${event}" where xplentyMetadata.event reads it: set event`
      return [
        `X-Hook-Signature matches sha1-metadata (SHA-1 of hook id + event "${event}" + configured url + salt, not the body): set xplentyScheme: 'sha1-metadata'${where}`,
      ]
    }
  }
  return ['X-Hook-Signature matched neither a body HMAC nor sha1-metadata with the configured hook id and url']
}

function timestampHints(state: DiagnoseState): string[] {
  const unit = state.entry.provider.timestampUnit
  const ts = state.parsed?.timestamp
  if (unit === undefined || ts === undefined) return []
  const within = (ms: number) => Math.abs(state.nowMs - ms) <= state.toleranceMs
  if (unit === 's' && within(ts)) return ['The timestamp looks like milliseconds; this scheme signs seconds']
  if (unit === 'ms' && within(toMs(ts, 's'))) return ['The timestamp looks like seconds; this scheme signs milliseconds']
  const skew = Math.round((toMs(ts, unit) - state.nowMs) / 1000)
  return [`The signed time differs from this server's clock by ${skew} s. If deliveries are recent, check the server clock (NTP)`]
}

/**
 * Computes `explain()` hints for a failure, lazily, within a fixed cost (see
 * {@link DIAGNOSE_BODY_LIMIT}, {@link DIAGNOSE_MAX_MACS}); never throws.
 */
export async function diagnose(backend: CryptoBackend, state: DiagnoseState, extra?: () => Promise<string[]>): Promise<string[]> {
  const budget = budgeted(backend)
  let out: string[]
  try {
    out = await hints(budget.backend, state)
  } catch {
    out = [] // a hint is never worth a crash: a hostile body must not make explain() reject
  }
  if (budget.skipped() || (state.view.body.length > DIAGNOSE_BODY_LIMIT && state.failure.code === 'SIGNATURE_MISMATCH')) {
    out.push(
      `The body is ${state.view.body.length} bytes, above the ${DIAGNOSE_BODY_LIMIT} bytes explain() re-signs: hints that recompute the signature (re-serialised body, secret whitespace, encodings) were skipped`,
    )
  }
  if (extra) {
    try {
      out.push(...(await extra()))
    } catch {
      // the extra hints come from the adapter; their failure is not the delivery's
    }
  }
  return out
}

async function hints(backend: CryptoBackend, state: DiagnoseState): Promise<string[]> {
  const out: string[] = []
  const { failure, parsed } = state
  const provider = state.entry.provider
  switch (failure.code) {
    case 'MISSING_SIGNATURE':
    case 'MALFORMED_SIGNATURE':
      out.push(...resembles(state))
      if (failure.code === 'MALFORMED_SIGNATURE') out.push(...(await encodingHints(backend, state)))
      break
    case 'SIGNATURE_MISMATCH':
      if (parsed !== undefined) {
        out.push(...(await secretHints(backend, state, parsed)))
        out.push(...(await bodyHints(backend, state, parsed)))
        if (provider.name === 'xplenty') out.push(...(await xplentyHints(backend, state, parsed)))
        if (provider.name === 'orchest') {
          out.push(
            'Orchest signs with a generated secret it never shows when the webhook has none: set an explicit secret in the webhook settings',
          )
        }
        if (provider.name === 'up42') {
          const listed = /\(([^)]*)\)/.exec(String(state.view.header('signature-input')).slice(0, HINT_HEADER_LENGTH))?.[1]
          out.push(
            `The UP42 signature covers the values of these headers, in order: ${listed ?? '(none)'}; a proxy that rewrites one breaks it`,
          )
        }
        if (provider.name === 'designer-cloud' && parsed.parts[2] === state.view.url && state.view.url !== undefined) {
          out.push(`The URL verified was ${state.view.url}. Behind a proxy the sender signed the public URL: pass it as signedUrl`)
        }
      }
      out.push(...resembles(state))
      break
    case 'TIMESTAMP_TOO_OLD':
    case 'TIMESTAMP_IN_FUTURE':
      out.push(...timestampHints(state))
      break
    default:
      break
  }
  return out
}
