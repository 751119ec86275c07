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

/** JSON as Python's `json.dumps` defaults write it (Orchest's format). */
function pythonJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'string') {
      return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    }
    return JSON.stringify(value) ?? 'null'
  }
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`
  return `{${Object.entries(value)
    .map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`)
    .join(', ')}}`
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
  if (at < 0 || view.body.length === 0) return []
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
  const forms: Array<[string, string]> = [
    ['Python json.dumps (", " and ": " separators, \\u escapes)', pythonJson(value)],
    ['compact JSON', JSON.stringify(value)],
    ['JSON indented by 2 spaces', JSON.stringify(value, null, 2)],
  ]
  for (const [name, form] of forms) {
    if (form === text) continue
    const parts = [...p.parts]
    parts[at] = utf8(form)
    if (await anyMatch(backend, p, state.entry.keyBytes, parts)) {
      return [
        `The sender signed the body as ${name}, but these bytes differ: the body was re-serialised (a JSON body parser ran before verification). Verify the raw bytes as received`,
      ]
    }
  }
  if (text === JSON.stringify(value)) {
    return [
      'The body is exactly what JSON.stringify would emit. If a JSON body parser ran before verification, the original bytes are lost: verify the raw body',
    ]
  }
  return []
}

async function encodingHints(backend: CryptoBackend, state: DiagnoseState): Promise<string[]> {
  const provider = state.entry.provider
  for (const name of provider.signatureHeaders) {
    const value = state.view.header(name)
    if (typeof value !== 'string') continue
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

/** Computes `explain()` hints for a failure, lazily. */
export async function diagnose(backend: CryptoBackend, state: DiagnoseState, extra?: () => Promise<string[]>): Promise<string[]> {
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
          const listed = /\(([^)]*)\)/.exec(String(state.view.header('signature-input')))?.[1]
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
  if (extra) out.push(...(await extra()))
  return out
}
