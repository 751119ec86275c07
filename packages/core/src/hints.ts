import type { CryptoBackend, Part } from './crypto/types.js'
import { base64ToBytes, utf8 } from './encoding.js'
import type { Failure } from './errors.js'
import { mediaType, toMs } from './header-values.js'
import { quotePlusForm } from './hints-form.js'
import type { HintContext, ParsedSignature, Provider, RequestView } from './provider.js'

/** What `explain()` looks at; kept in a closure, never on an enumerable property. */
export interface DiagnoseState {
  entry: { provider: Provider; secrets: readonly string[]; keyBytes: readonly Uint8Array[] }
  view: RequestView
  parsed?: ParsedSignature
  failure: Failure
  toleranceMs: number
  nowMs: number
  configured: readonly Provider[]
  /**
   * The rows the entry knows by name, which "looks like provider X" hints compare with: every
   * built-in row in a full entry, the one row in a per-provider entry (injected, so that entry's
   * hints chunk bundles no other provider).
   */
  known: readonly Provider[]
}

/**
 * Largest body `explain()` decodes, re-serialises or re-signs. Above it those hints are skipped
 * with a hint that says so: `explain()` runs for rejections, which anyone can send, so it must
 * cost about what the rejection did, not ten MACs and three JSON passes over a 5 MiB body.
 */
export const DIAGNOSE_BODY_LIMIT = 256 * 1024

/** Most MACs (or digests) one `explain()` computes, over all hints and secrets together. */
export const DIAGNOSE_MAX_MACS = 12

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
  for (const p of state.known) {
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
      state.entry.provider.lookalikes?.[p.name] ??
        `The signature headers look like ${p.title} (provider "${p.name}"), not ${state.entry.provider.title}${configured ? '' : `: configure provider "${p.name}"`}`,
    )
  }
  return out
}

/** A request as the sender may have sent it: another body, URL or key than the one received. */
interface Alternative {
  body?: Uint8Array
  url?: string
  keys?: readonly Uint8Array[]
}

function altView(view: RequestView, alt: Alternative): RequestView {
  const body = alt.body ?? view.body
  let json: { value: unknown } | undefined
  return {
    body,
    header: view.header,
    method: view.method,
    url: alt.url ?? view.url,
    options: view.options,
    json() {
      if (json === undefined) {
        try {
          json = { value: JSON.parse(new TextDecoder().decode(body)) }
        } catch {
          json = { value: undefined }
        }
      }
      return json.value
    },
  }
}

/**
 * `true` when the delivery verifies with this alternative: the row parses it again, the MAC
 * matches one of the keys, and the row's own checks after the MAC (UP42's body digest) hold.
 * Time is not checked: the hints for the MAC are about bytes and keys, not freshness.
 */
async function verifiesWith(backend: CryptoBackend, state: DiagnoseState, alt: Alternative): Promise<boolean> {
  const provider = state.entry.provider
  const view = alt.body === undefined && alt.url === undefined ? state.view : altView(state.view, alt)
  let parsed: ParsedSignature | Failure
  try {
    parsed = alt.body === undefined && alt.url === undefined && state.parsed !== undefined ? state.parsed : provider.parse(view)
  } catch {
    return false
  }
  if ('ok' in parsed) return false
  if (!(await anyMatch(backend, parsed, alt.keys ?? state.entry.keyBytes, parsed.parts))) return false
  if (provider.afterVerify === undefined) return true
  const after = await provider.afterVerify({
    request: view,
    parsed,
    nowMs: state.nowMs,
    toleranceMs: Number.POSITIVE_INFINITY,
    digest: async (hash, parts) => backend.digest(hash, parts),
    equal: backend.equal,
  })
  return after === undefined || !('ok' in after) || after.code === 'TIMESTAMP_TOO_OLD' || after.code === 'TIMESTAMP_IN_FUTURE'
}

function keyOf(provider: Provider, secret: string): Uint8Array | undefined {
  try {
    return provider.keyFromSecret ? provider.keyFromSecret(secret) : utf8(secret)
  } catch {
    return undefined
  }
}

/** A vendor prefix pasted with the secret (`whsec_`, `sk_`, …) where the scheme keys with the text as it is. */
const VENDOR_PREFIX = /^[A-Za-z]{2,8}_/

/** The configured secrets, corrected for the usual copy-and-paste mistakes, tried one by one. */
async function secretHints(backend: CryptoBackend, state: DiagnoseState): Promise<string[]> {
  const provider = state.entry.provider
  for (let i = 0; i < state.entry.secrets.length; i++) {
    const secret = state.entry.secrets[i] as string
    const which = state.entry.secrets.length === 1 ? 'The secret' : `Secret #${i}`
    const cleaned = secret.replace(WHITESPACE_OR_QUOTES, '')
    if (cleaned !== secret && cleaned !== '') {
      const key = keyOf(provider, cleaned)
      if (key !== undefined && (await verifiesWith(backend, state, { keys: [key] }))) {
        return [
          `${which} has surrounding whitespace or quotes (e.g. a trailing newline from a secrets file or "echo"); without them the signature matches. Trim the value you configured`,
        ]
      }
    }
    const prefix = provider.keyFromSecret === undefined ? VENDOR_PREFIX.exec(cleaned)?.[0] : undefined
    if (prefix !== undefined && cleaned.length > prefix.length) {
      const key = keyOf(provider, cleaned.slice(prefix.length))
      if (key !== undefined && (await verifiesWith(backend, state, { keys: [key] }))) {
        return [
          `${which} starts with "${prefix}", which ${provider.title} does not use; without that prefix the signature matches. Configure the secret without it`,
        ]
      }
    }
  }
  return []
}

/** `true` when the bytes hold EF BF BD, the UTF-8 form of U+FFFD that lenient decoders put for invalid bytes. */
function hasReplacementChar(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(0xef); i >= 0 && i + 2 < bytes.length; i = bytes.indexOf(0xef, i + 1)) {
    if (bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) return true
  }
  return false
}

/** The bytes the sender signed, if a proxy or gateway re-encoded them on the way (base64, Latin-1). */
async function transportHints(backend: CryptoBackend, state: DiagnoseState, text: string): Promise<string[]> {
  const compact = text.replace(/\s+/g, '')
  const decoded = compact.length >= 4 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact) ? base64ToBytes(compact) : undefined
  if (decoded !== undefined && (await verifiesWith(backend, state, { body: decoded }))) {
    return [
      'The body is base64 of the signed bytes: it was base64-encoded on the way (API Gateway or a function URL with isBase64Encoded not honoured, or a proxy). Verify the decoded bytes; verifyLambdaEvent(event) decodes them when isBase64Encoded is true',
    ]
  }
  // every character below U+0100 and some above ASCII: the signed bytes may be these code points
  if (/[\u0080-\u00ff]/.test(text) && !/[\u0100-\uffff]/.test(text)) {
    const latin1 = new Uint8Array(text.length)
    for (let i = 0; i < text.length; i++) latin1[i] = text.charCodeAt(i)
    if (await verifiesWith(backend, state, { body: latin1 })) {
      return [
        'The body was re-encoded as UTF-8 from single-byte text (ISO-8859-1 / Latin-1): a proxy or gateway decoded the bytes with the wrong charset. The signed bytes are the Latin-1 form; pass the body through untouched',
      ]
    }
  }
  return []
}

/** The body re-serialised or URL-decoded on the way: each form the sender may have signed, tried. */
async function bodyHints(backend: CryptoBackend, state: DiagnoseState, text: string): Promise<string[]> {
  const { view } = state
  const ct = view.header('content-type')
  const type = mediaType(typeof ct === 'string' ? ct : ct?.[0])
  if (type === 'application/x-www-form-urlencoded' && /[{}"\s]/.test(text)) {
    const encoded = quotePlusForm(text)
    if (encoded !== text && (await verifiesWith(backend, state, { body: utf8(encoded) }))) {
      return [
        'The form body was URL-decoded before verification (its raw JSON characters show it); the sender signed the percent-encoded bytes. Pass the raw body, before any urlencoded body parser',
      ]
    }
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return []
  }
  const forms: Array<[string, () => string]> = [
    ['Python json.dumps (", " and ": " separators, \\u escapes)', () => pythonJson(value)],
    ['JSON indented by 2 spaces', () => JSON.stringify(value, null, 2)],
    ['compact JSON', () => JSON.stringify(value)],
  ]
  for (const [name, write] of forms) {
    let form: string
    try {
      form = write()
    } catch {
      continue // JSON.stringify recurses: a body nested deeper than the stack is not worth a hint
    }
    // only a form other than the bytes received can be what the sender signed
    if (form === text) continue
    if (await verifiesWith(backend, state, { body: utf8(form) })) {
      return [
        `The body was re-serialised (a JSON body parser ran before verification): the sender signed it as ${name}, and these bytes differ. Verify the raw bytes as received, before any JSON body parser`,
      ]
    }
  }
  return []
}

/** The URLs a proxy may have hidden: the public one in X-Forwarded-Proto/Host, the other scheme. */
function urlCandidates(view: RequestView): string[] {
  const url = view.url
  if (url === undefined) return []
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return []
  }
  const first = (name: string) => {
    const v = view.header(name)
    const one = typeof v === 'string' ? v : v?.[0]
    return one?.split(',')[0]?.trim().slice(0, 256)
  }
  const path = parsed.pathname + parsed.search
  const out = new Set<string>()
  const host = first('x-forwarded-host') ?? first('host')
  const proto = first('x-forwarded-proto') ?? 'https'
  if (host !== undefined && /^[A-Za-z0-9.:[\]-]+$/.test(host)) out.add(`${proto}://${host}${path}`)
  out.add(`${parsed.protocol === 'https:' ? 'http' : 'https'}://${parsed.host}${path}`)
  out.delete(url)
  return [...out].slice(0, 2)
}

async function urlHints(backend: CryptoBackend, state: DiagnoseState, p: ParsedSignature): Promise<string[]> {
  if (state.view.url === undefined || !p.parts.includes(state.view.url)) return []
  for (const url of urlCandidates(state.view)) {
    if (await verifiesWith(backend, state, { url })) {
      return [
        `The sender signed the URL ${url}, not ${state.view.url} as received (a proxy in between): set publicUrl (Express, Koa) or signedUrl to the public URL`,
      ]
    }
  }
  return []
}

/** The last resort: nothing tried explains the mismatch. */
function secretDiffers(state: DiagnoseState, p: ParsedSignature): string {
  const provider = state.entry.provider
  const n = state.entry.secrets.length
  const url =
    state.view.url !== undefined && p.parts.includes(state.view.url)
      ? ` or the URL the sender signed differs from ${state.view.url} (behind a proxy, set publicUrl or signedUrl)`
      : ''
  return `The secret differs from the one ${provider.title} signs with${url}: no configured secret${n === 1 ? '' : ` (of ${n})`} reproduces the signature, nor does any corrected form of the request that was tried (the secret trimmed or unprefixed, the body decoded or written as the sender writes JSON). Copy the secret again from the sender's webhook settings`
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

/** The row's own hints (see `Provider.hints`), over the budgeted backend; a throw is no hint. */
async function rowHints(backend: CryptoBackend, state: DiagnoseState, parsed: ParsedSignature) {
  const provider = state.entry.provider
  if (provider.hints === undefined) return {}
  const context: HintContext = {
    request: state.view,
    parsed,
    keys: state.entry.keyBytes,
    hmac: async (hash, key, parts) => backend.hmac(hash, await backend.importKey(hash, key), parts),
    digest: async (hash, parts) => backend.digest(hash, parts),
    equal: backend.equal,
  }
  try {
    return await provider.hints(context)
  } catch {
    return {}
  }
}

function timestampHints(state: DiagnoseState): string[] {
  const unit = state.entry.provider.timestampUnit
  const ts = state.parsed?.timestamp
  if (unit === undefined || ts === undefined) return []
  // before 1973 as ms: the configured clock returns seconds (Date.now() / 1000), not ms
  if (state.nowMs > 0 && state.nowMs < 1e11) {
    return [
      `The configured now() returned ${state.nowMs}, which is seconds: now must return milliseconds (Date.now()), so every signed time looks ${state.failure.code === 'TIMESTAMP_IN_FUTURE' ? 'in the future' : 'wrong'}`,
    ]
  }
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

/**
 * Hints for a signature that does not match, most specific first: each alternative (a trimmed
 * secret, the body as the sender may have sent it, the public URL) is tried, and the first that
 * verifies names the cause. When none does, "the secret differs" comes first, then notes that
 * cannot be tried.
 */
async function mismatchHints(backend: CryptoBackend, state: DiagnoseState, parsed: ParsedSignature): Promise<string[]> {
  const { view } = state
  const found: string[] = []
  const notes: string[] = []
  // the MAC holds and a check after it failed (UP42's body digest): the secret is right
  const macHolds = await anyMatch(backend, parsed, state.entry.keyBytes, parsed.parts)
  if (!macHolds) found.push(...(await secretHints(backend, state)))
  const bodyTried = view.body.length > 0 && view.body.length <= DIAGNOSE_BODY_LIMIT && parsed.bodyIgnored !== true
  if (found.length === 0 && bodyTried) {
    const text = new TextDecoder().decode(view.body)
    found.push(...(await transportHints(backend, state, text)))
    if (found.length === 0) found.push(...(await bodyHints(backend, state, text)))
    if (found.length === 0 && hasReplacementChar(view.body)) {
      notes.push(
        'The body contains U+FFFD replacement characters: binary bytes were decoded as UTF-8 text before verification and the original bytes are lost. On API Gateway REST APIs add the content type to binaryMediaTypes so the body arrives base64-encoded (verifyLambdaEvent decodes it); elsewhere pass the raw bytes, not text',
      )
    }
  }
  if (found.length === 0) found.push(...(await urlHints(backend, state, parsed)))
  const own = await rowHints(backend, state, parsed)
  // a variant of the scheme that matched is the cause; otherwise what the row says is a note
  if (found.length === 0 && own.cause !== undefined && own.cause.length > 0) found.push(...own.cause)
  else notes.push(...(own.cause ?? []))
  notes.push(...(own.notes ?? []))
  if (found.length === 0) {
    found.push(
      macHolds
        ? `The signature matches the configured secret, but the body differs from the one the sender signed (${state.failure.message}): a body parser or a proxy changed the bytes; verify them as received`
        : secretDiffers(state, parsed),
    )
  }
  return [...found, ...notes, ...resembles(state)]
}

async function hints(backend: CryptoBackend, state: DiagnoseState): Promise<string[]> {
  const out: string[] = []
  const { failure, parsed } = state
  switch (failure.code) {
    case 'MISSING_SIGNATURE':
    case 'MALFORMED_SIGNATURE':
      out.push(...resembles(state))
      if (failure.code === 'MALFORMED_SIGNATURE') out.push(...(await encodingHints(backend, state)))
      break
    case 'SIGNATURE_MISMATCH':
      if (parsed !== undefined) out.push(...(await mismatchHints(backend, state, parsed)))
      else out.push(...resembles(state))
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
