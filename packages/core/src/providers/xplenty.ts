import type { ProviderAbout } from '../about.js'
import type { Part } from '../crypto/types.js'
import { bytesToHex, hexToBytes } from '../encoding.js'
import { type Failure, fail } from '../failure.js'
import {
  type Configurable,
  configurable,
  defineProvider,
  type HintContext,
  isFailure,
  type Provider,
  payloadText,
  type RequestView,
  type RowHints,
  single,
} from '../provider.js'

/**
 * Inputs of Xplenty's `sha1-metadata` scheme, as xplenty-api-doc-v2 `resources/hooks/web-hook.md`
 * names them: "SHA-1 from string created by concatenation of the following fields: id, event name,
 * url, salt". The id and url are the hook's own settings, not anything the delivery carries; the
 * salt is the verifier's secret. Separator and encoding are unstated, hence `separator`.
 *
 * @example
 * createVerifier({
 *   provider: 'xplenty',
 *   secret: process.env.XPLENTY_WEBHOOK_SECRET, // the hook's salt
 *   xplentyScheme: 'sha1-metadata',
 *   xplentyMetadata: { hookId: 1, url: 'http://my.service.com/notifications' },
 * })
 */
export interface XplentyMetadataOptions {
  /** The numeric hook id (`id` of the hook in Xplenty's API), written in decimal. */
  hookId: number | string
  /** The hook's `settings.url` exactly as entered in Xplenty, never the URL the request arrived at. */
  url: string
  /**
   * The event name of a delivery (e.g. `'job.completed'`): a fixed string for a hook with one
   * event, or a function. No source says where a delivery names its event; the default reads the
   * payload's top-level `"event"` text.
   */
  event?: string | ((request: RequestView, payload: unknown) => string | undefined)
  /** Text between id, event name, url and salt. Default `''` (plain concatenation). */
  separator?: string
}

/**
 * The job and cluster events Integrate.io's service-hook docs list: the one list of them (the
 * mock sender's `XPLENTY_EVENT_TYPES` is this list).
 *
 * @example
 * XPLENTY_EVENT_TYPES.filter((e) => e.startsWith('job.')).length // 5
 */
export const XPLENTY_EVENT_TYPES = Object.freeze([
  'job.submitted',
  'job.started',
  'job.stopped',
  'job.completed',
  'job.failed',
  'cluster.requested',
  'cluster.available',
  'cluster.terminated',
  'cluster.idled',
  'cluster.error',
] as const)

/** Event names `explain()` tries for the `sha1-metadata` variant: the documented ones and the ping. */
export const XPLENTY_EVENTS: readonly string[] = Object.freeze([...XPLENTY_EVENT_TYPES, 'ping'])

const payloadEvent = payloadText('event')

/** `hookId` as the decimal text hashed, or `undefined` when it is not a non-negative integer. */
function hookIdText(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined
  return typeof value === 'string' && /^\d{1,20}$/.test(value) ? value : undefined
}

/**
 * Why `xplentyMetadata` cannot drive `sha1-metadata`, or `undefined` when it can. `createVerifier`
 * calls it at startup so a bad setup throws there, not per request.
 */
export function xplentyOptionsProblem(options: { xplentyScheme?: unknown; xplentyMetadata?: unknown }): string | undefined {
  const scheme = options.xplentyScheme
  if (scheme !== undefined && scheme !== 'body-hmac' && scheme !== 'sha1-metadata') {
    return `xplentyScheme must be 'body-hmac' or 'sha1-metadata', got ${String(scheme)}`
  }
  const meta = options.xplentyMetadata
  if (meta === undefined) {
    return scheme === 'sha1-metadata'
      ? "xplentyScheme 'sha1-metadata' hashes the hook's id and configured url: pass xplentyMetadata: { hookId, url }"
      : undefined
  }
  if (typeof meta === 'function') return undefined
  if (typeof meta !== 'object' || meta === null) return 'xplentyMetadata must be { hookId, url, event?, separator? } or a function'
  const m = meta as Partial<Record<keyof XplentyMetadataOptions, unknown>>
  if (hookIdText(m.hookId) === undefined) return `xplentyMetadata.hookId must be the hook's numeric id, got ${String(m.hookId)}`
  if (typeof m.url !== 'string' || m.url === '') return "xplentyMetadata.url must be the hook's url as entered in Xplenty"
  if (m.event !== undefined && typeof m.event !== 'string' && typeof m.event !== 'function') {
    return 'xplentyMetadata.event must be a string or a function'
  }
  if (m.separator !== undefined && typeof m.separator !== 'string') return 'xplentyMetadata.separator must be a string'
  return undefined
}

/** The strings hashed before the salt, for one event name. */
export function xplentyMetadataParts(meta: XplentyMetadataOptions, event: string): Part[] {
  const sep = meta.separator ?? ''
  const id = hookIdText(meta.hookId) ?? ''
  return sep === '' ? [id, event, meta.url] : [id, sep, event, sep, meta.url, sep]
}

/** The event name `sha1-metadata` hashes for this delivery, from `xplentyMetadata.event`. */
export function xplentyMetadataEvent(meta: XplentyMetadataOptions, request: RequestView): string | undefined {
  const source = meta.event
  if (typeof source === 'string') return source
  try {
    const payload = request.json()
    const event = typeof source === 'function' ? source(request, payload) : payloadEvent(request, payload)
    return typeof event === 'string' && event !== '' ? event : undefined
  } catch {
    // a throwing user function is a delivery without an event, never a crash (explain() calls this too)
    return undefined
  }
}

function metadataInputs(request: RequestView): Part[] | Failure {
  const meta = request.options.xplentyMetadata
  if (typeof meta === 'function') return meta(request)
  if (meta === undefined || xplentyOptionsProblem(request.options) !== undefined) {
    // createVerifier rejects this at startup; a custom caller of parse may still get here
    return fail('MALFORMED_SIGNATURE', xplentyOptionsProblem(request.options) ?? 'xplentyMetadata is not configured')
  }
  const event = xplentyMetadataEvent(meta, request)
  if (event === undefined) {
    return fail(
      'INVALID_PAYLOAD',
      'The Xplenty sha1-metadata signature hashes the event name, and this delivery names none where xplentyMetadata.event reads it (default: the payload\'s "event" field)',
    )
  }
  return xplentyMetadataParts(meta, event)
}

function eventOf(request: RequestView, payload: unknown): string | undefined {
  const meta = request.options.xplentyMetadata
  // under sha1-metadata the event name is one of the hashed inputs: report exactly that one
  if (request.options.xplentyScheme === 'sha1-metadata' && typeof meta === 'object' && meta !== null) {
    return xplentyMetadataEvent(meta, request)
  }
  return payloadEvent(request, payload)
}

/**
 * `explain()` for a mismatch: which Xplenty variant the signature matches (a body HMAC of either
 * hash, or sha1-metadata over the configured hook and the documented event names), if any.
 */
async function hints({ request, parsed, keys, hmac, digest, equal }: HintContext): Promise<RowHints> {
  const sig = hexToBytes(parsed.value)
  if (sig === undefined) return {}
  for (const key of keys) {
    for (const hash of ['SHA-1', 'SHA-256'] as const) {
      if (sig.length !== (hash === 'SHA-1' ? 20 : 32)) continue
      if (equal(await hmac(hash, key, [request.body]), sig)) {
        return { cause: [`X-Hook-Signature matches HMAC-${hash.replace('-', '')} of the body; set xplentyScheme: 'body-hmac'`] }
      }
    }
  }
  const meta = request.options.xplentyMetadata
  if (parsed.mac === 'salted-digest') {
    if (typeof meta !== 'object' || meta === null) return {}
    const event = xplentyMetadataEvent(meta, request)
    return {
      notes: [
        `sha1-metadata hashed hook id ${String(meta.hookId)}, event "${event}", url ${meta.url} and the secret, separated by ${JSON.stringify(meta.separator ?? '')}`,
      ],
    }
  }
  if (typeof meta !== 'object' || meta === null || sig.length !== 20) {
    return {
      notes: [
        'X-Hook-Signature matched neither HMAC-SHA1 nor HMAC-SHA256 of the body. If your Xplenty hook signs metadata (SHA-1 of hook id + event + url + salt), set xplentyMetadata: { hookId, url } so explain() can test it, then xplentyScheme: "sha1-metadata"',
      ],
    }
  }
  // a fixed, small set (the configured event source, then the documented names): bounded cost
  const read = xplentyMetadataEvent(meta, request)
  for (const event of read === undefined ? XPLENTY_EVENTS : [read, ...XPLENTY_EVENTS]) {
    for (const key of keys) {
      if (!equal(await digest('SHA-1', [...xplentyMetadataParts(meta, event), key]), sig)) continue
      const where = event === read ? '' : `; the delivery does not name "${event}" where xplentyMetadata.event reads it: set event`
      return {
        cause: [
          `X-Hook-Signature matches sha1-metadata (SHA-1 of hook id + event "${event}" + configured url + salt, not the body): set xplentyScheme: 'sha1-metadata'${where}`,
        ],
      }
    }
  }
  return { notes: ['X-Hook-Signature matched neither a body HMAC nor sha1-metadata with the configured hook id and url'] }
}

// of the request, only the event name is hashed: the hook id and URL are configured values
const METADATA_COVERED: readonly string[] = Object.freeze(['event'])

/**
 * Xplenty (Integrate.io ETL): `X-Hook-Signature` with a bare hex digest. Sources conflict on the
 * hash, so the default takes an HMAC of the raw body ("HMAC hex digest of the request body", the
 * current Integrate.io page) and picks SHA-1 (40 hex) or SHA-256 (64 hex) by digest length. The
 * API doc's plain SHA-1 of hook id + event name + configured url + salt is an opt-in
 * (`xplentyScheme: 'sha1-metadata'` with `xplentyMetadata: { hookId, url }`) reported as
 * `bodyAuthenticated: false`. No delivery id, and under sha1-metadata the signature is constant
 * per event type, so dedup has no default key (`dedupFallback: 'none'`).
 *
 * @see https://www.integrate.io/docs/etl/service-hooks/
 * @see https://github.com/xplenty/xplenty-api-doc-v2/blob/master/resources/hooks/web-hook.md
 */
// typed as a Provider row: the inferred literal (`mac?: undefined` in a parse result) is not one
// for a consumer with exactOptionalPropertyTypes
export const xplenty: Configurable<Provider, XplentySwitches> = configurable(
  defineProvider({
    name: 'xplenty',
    title: 'Xplenty (Integrate.io ETL)',
    docs: 'https://www.integrate.io/docs/etl/service-hooks/',
    envVar: 'XPLENTY_WEBHOOK_SECRET',
    signatureHeaders: ['x-hook-signature'],
    replayTtlSeconds: 86_400,
    // never the signature: under sha1-metadata every delivery of one event type carries the same one
    dedupFallback: 'none',
    detect(request) {
      const v = request.header('x-hook-signature')
      return typeof v === 'string' && (v.length === 40 || v.length === 64) && hexToBytes(v) !== undefined
    },
    parse(request) {
      const value = single(request, 'x-hook-signature', 'X-Hook-Signature', 'xplenty')
      if (value === undefined) return fail('MISSING_SIGNATURE', 'No X-Hook-Signature header')
      if (isFailure(value)) return value
      const bytes = hexToBytes(value)
      if (request.options.xplentyScheme === 'sha1-metadata') {
        if (bytes === undefined || bytes.length !== 20) {
          return fail(
            'MALFORMED_SIGNATURE',
            `X-Hook-Signature must be 40 hex digits (SHA-1) under sha1-metadata; got ${value.length} characters`,
          )
        }
        const inputs = metadataInputs(request)
        if (isFailure(inputs)) return inputs
        return {
          hash: 'SHA-1',
          signatures: [bytes],
          parts: inputs,
          value,
          mac: 'salted-digest',
          bodyAuthenticated: false,
          encoding: 'hex',
          covered: METADATA_COVERED,
        }
      }
      if (bytes === undefined || (bytes.length !== 20 && bytes.length !== 32)) {
        return fail(
          'MALFORMED_SIGNATURE',
          `X-Hook-Signature must be a bare hex HMAC: 40 digits (SHA-1) or 64 (SHA-256); got ${value.length} characters`,
        )
      }
      return { hash: bytes.length === 20 ? 'SHA-1' : 'SHA-256', signatures: [bytes], parts: [request.body], value, encoding: 'hex' }
    },
    async sign(input, tools) {
      const meta = input.xplentyMetadata
      if (meta !== undefined) {
        const problem = xplentyOptionsProblem({ xplentyScheme: 'sha1-metadata', xplentyMetadata: meta })
        if (problem !== undefined) throw new TypeError(`sign: ${problem}`)
        if (typeof input.event !== 'string' || input.event === '')
          throw new TypeError('sign: sha1-metadata hashes the event name: pass event')
        const digest = await tools.digest('SHA-1', [...xplentyMetadataParts(meta, input.event), input.secret])
        return { 'X-Hook-Signature': bytesToHex(digest) }
      }
      const mac = await tools.hmac(input.hash ?? 'SHA-1', [input.body])
      return { 'X-Hook-Signature': bytesToHex(mac) }
    },
    event: eventOf,
    hints,
    optionsProblem: xplentyOptionsProblem,
  }),
  (switches: XplentySwitches) => {
    if (typeof switches !== 'object' || switches === null) throw new TypeError('xplenty(switches): switches must be an object')
    const options = {
      ...(switches.scheme === undefined ? {} : { xplentyScheme: switches.scheme }),
      ...(switches.metadata === undefined ? {} : { xplentyMetadata: switches.metadata }),
    }
    const problem = xplentyOptionsProblem(options)
    if (problem !== undefined)
      throw new TypeError(`xplenty(switches): ${problem.replace('xplentyScheme', 'scheme').replace(/xplentyMetadata/g, 'metadata')}`)
    return options
  },
)

/**
 * Switches of the Xplenty row (old spelling: the verifier options `xplentyScheme`, `xplentyMetadata`).
 *
 * @example
 * createVerifier({ provider: xplenty({ scheme: 'sha1-metadata', metadata: { hookId: 1, url } } satisfies XplentySwitches), secret })
 */
export interface XplentySwitches {
  /** `'body-hmac'` (default) or the experimental `'sha1-metadata'` (body not authenticated). */
  scheme?: 'body-hmac' | 'sha1-metadata'
  /** The hook's `{ hookId, url }` as configured in Xplenty, or a function returning the hashed strings. */
  metadata?: XplentyMetadataOptions | ((request: RequestView) => string[])
}

/** What the generated docs tables say of this provider (`npm run docs:providers`). */
export const about = {
  value: 'bare hex (40: SHA-1, 64: SHA-256)',
  signed: 'body (or, opt-in, hook id + event + configured url)',
  timestamp: 'none',
  dedupKey: 'none (set `deliveryKey`)',
  retries: 'unknown',
  ttlWhy:
    'Xplenty sends no delivery id and its signature does not identify a delivery, so nothing is deduplicated unless you give a `deliveryKey`.',
  events: {
    names: 'the documented `job.*` / `cluster.*` events and `ping`, others allowed',
    payload: '`unknown`',
    routedOn: 'payload `event` (or `xplentyMetadata.event`)',
  },
} satisfies ProviderAbout
