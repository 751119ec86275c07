/**
 * What every benchmark shares: sizes, secrets, byte-exact JSON bodies and the Stripe-like row.
 * Bodies are Buffers (what raw-body / express.raw() hand a receiver); every contender gets the
 * same bytes.
 */
import { createHmac } from 'node:crypto'
import type { Failure, Provider, WebhookErrorCode } from '@hookproof/core'
import type autocannon from 'autocannon'

/** The core API as built by bench/lib/build.ts (node:crypto or Web Crypto entry). */
export type Api = typeof import('../../packages/core/src/node.js')

export const KiB = 1024
export const MiB = 1024 * KiB
export const SIZES = [256, 4 * KiB, 64 * KiB, MiB] as const
export const HTTP_SIZES = [KiB, 64 * KiB] as const

/** GitHub docs' example secret; also used as the Stripe-like and hand-written HMAC key. */
export const SECRET = "It's a Secret to Everybody"
/** Standard Webhooks / Svix secret: `whsec_` + base64 of 32 fixed bytes. */
export const WHSEC = `whsec_${Buffer.alloc(32, 7).toString('base64')}`
/** Stripe signs with the whole `whsec_...` string as the key. */
export const STRIPE_SECRET = 'whsec_bench_0123456789abcdefghijklmnopqrstuv'

export function label(size: number): string {
  return size >= MiB ? `${size / MiB} MiB` : size >= KiB ? `${size / KiB} KiB` : `${size} B`
}

/**
 * A JSON event of exactly `size` bytes: an array of small records (so JSON.parse has real work)
 * closed by a padding string.
 */
export function jsonBody(size: number): Buffer {
  const head = '{"id":"evt_1Nbench","type":"bench.event","created":1700000000,"data":['
  const items: string[] = []
  let length = head.length
  const tail = (pad: number) => `],"pad":"${'x'.repeat(pad)}"}`
  for (let i = 0; ; i++) {
    const item = `${i === 0 ? '' : ','}{"i":${i},"name":"item-${i}","ok":true,"tags":["a","b"],"n":${(i * 7919) % 10007}}`
    if (length + item.length + tail(0).length > size) break
    items.push(item)
    length += item.length
  }
  const text = head + items.join('') + tail(size - length - tail(0).length)
  const body = Buffer.from(text)
  if (body.length !== size) throw new Error(`jsonBody(${size}) built ${body.length} bytes`)
  JSON.parse(text)
  return body
}

/**
 * A new GitHub delivery per call, all of `size` bytes: the body's id carries a counter (so the MAC,
 * and with it hookproof's replay key, is new each time: GitHub does not sign `X-GitHub-Delivery`,
 * so a replay store keys on the MAC) and the signature is made for it. The HTTP bench sends one per
 * request, so a replay store claims every request instead of answering duplicates, and every route
 * gets the same work.
 *
 * @example
 * const next = deliveries(1024, 'run1')
 * const { body, headers } = next() // headers: content-type, x-github-event, x-github-delivery, x-hub-signature-256
 */
export function deliveries(size: number, prefix: string): () => { body: Buffer; headers: Record<string, string> } {
  const template = jsonBody(size)
  const marker = template.indexOf('evt_1Nbench')
  if (marker < 0) throw new Error('jsonBody() lost its id')
  const width = 'evt_1Nbench'.length - 4
  let n = 0
  return () => {
    const body = Buffer.from(template)
    const id = (++n).toString(36).padStart(width, '0')
    if (id.length > width) throw new Error('deliveries(): counter overflow')
    body.write(id, marker + 4, 'latin1')
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': `${prefix}-${n}`,
        'x-hub-signature-256': signature,
      },
    }
  }
}

/**
 * autocannon's request for `POST /webhook` sending a new delivery from `next` each time (see
 * {@link deliveries}): what bench/http.ts and bench/profile.ts load every route with.
 *
 * @example
 * autocannon({ url, connections: 10, duration: 2, requests: [webhookRequests(deliveries(1024, 'run'))] })
 */
export function webhookRequests(next: ReturnType<typeof deliveries>): autocannon.Request {
  const first = next()
  return {
    method: 'POST',
    path: '/webhook',
    body: first.body,
    headers: first.headers,
    setupRequest: (req) => {
      const d = next()
      req.body = d.body
      req.headers = d.headers
      return req
    },
  }
}

/**
 * Headers as Node's HTTP parser hands them: lowercase keys and flat strings. `sign()` builds its
 * values by concatenation, and V8 reads a concatenated (cons) string's characters more slowly
 * than a received header's, which would tax whoever reads the header by character.
 */
export function lower(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = flat(v)
  return out
}

/** A flat (sequential) copy of a string, as read off a socket. */
export function flat(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8')
}

/**
 * Stripe's scheme as a user would add it with `defineProvider`: `Stripe-Signature: t=<s>,v1=<hex>`
 * (several `v1` allowed), HMAC-SHA256 over `<t>.<body>` with the whole secret string as the key.
 */
export function stripeLike(api: Api): Provider {
  const { bytesToHex, defineProvider, hexToBytes, STATUS } = api
  const failure = (code: WebhookErrorCode, message: string): Failure => ({ ok: false, code, status: STATUS[code], message })
  return defineProvider({
    name: 'stripe-like',
    title: 'Stripe-like',
    docs: 'https://docs.stripe.com/webhooks#verify-manually',
    signatureHeaders: ['stripe-signature'],
    timestampUnit: 's',
    replayTtlSeconds: 3 * 86_400,
    dedupFallback: 'signature',
    detect(request) {
      const v = request.header('stripe-signature')
      return typeof v === 'string' && /(^|,)t=\d+/.test(v) && /(^|,)v1=[0-9a-f]{64}/.test(v)
    },
    parse(request) {
      const value = request.header('stripe-signature')
      if (value === undefined) return failure('MISSING_SIGNATURE', 'No Stripe-Signature header')
      if (typeof value !== 'string') return failure('MALFORMED_SIGNATURE', 'Stripe-Signature was sent more than once')
      let t: string | undefined
      const signatures: Uint8Array[] = []
      for (const item of value.split(',')) {
        const eq = item.indexOf('=')
        if (eq < 0) continue
        const key = item.slice(0, eq)
        if (key === 't') t = item.slice(eq + 1)
        else if (key === 'v1') {
          const bytes = eq + 65 === item.length ? hexToBytes(item.slice(eq + 1)) : undefined
          if (bytes === undefined) return failure('MALFORMED_SIGNATURE', '"v1" in Stripe-Signature must be 64 hex digits')
          signatures.push(bytes)
        }
      }
      if (t === undefined || !/^\d{1,12}$/.test(t)) return failure('MISSING_TIMESTAMP', 'Stripe-Signature has no "t=<seconds>"')
      if (signatures.length === 0) return failure('MALFORMED_SIGNATURE', 'Stripe-Signature has no "v1=" signature')
      return { hash: 'SHA-256', signatures, parts: [t, '.', request.body], value, timestamp: Number(t), encoding: 'hex' }
    },
    async sign(input, tools) {
      const t = String(Math.floor((input.now ?? Date.now()) / 1000))
      const mac = await tools.hmac('SHA-256', [t, '.', input.body])
      return { 'Stripe-Signature': `t=${t},v1=${bytesToHex(mac)}` }
    },
  })
}

/** Flips one hex digit: still well-formed, so the rejection is SIGNATURE_MISMATCH. */
export function tamperHex(value: string): string {
  const i = value.length - 1
  return flat(value.slice(0, i) + (value[i] === '0' ? '1' : '0'))
}
