import { createHash } from 'node:crypto'
import { signDelivery, type UnsignedDelivery } from '@hookproof/mock-sender'
import { afterAll, describe, expect, it } from 'vitest'
// a format helper of the mock sender, internal to it: imported from its source
import { quotePlus } from '../../mock-sender/src/formats/form.js'
import type { Provider, ProviderName, VerifierOptions, VerifyInput } from '../src/index.js'
import { providers } from '../src/index.js'
import { backends } from './backends.js'

// The mistakes users make, as data: each row says which providers it applies to (by capability),
// how to make the mistake, and the cause the FIRST explain() hint must name. Every row runs for
// every provider of the registry it applies to; the outcome table is printed at the end.
// Deliveries are signed by the mock sender (whose signatures come from the provider rows, the
// vendor side); the Xplenty metadata digest comes from node:crypto, an independent oracle.

const NOW = 1_700_000_000_000
const TEXT_SECRET = 'test-secret-1'
const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
/** A body a JSON parser would change (Python's separators), carrying UP42's signed timestamp. */
const BODY =
  '{"event": "job.status", "messageId": "m-1", "timestamp": "2023-11-14T22:13:20.000Z", "body": {"id": "j-1", "status": "SUCCEEDED"}}'
const PUBLIC_URL = 'https://hooks.example.com/hook?jobId=5263842&jobStatus=Complete'
const PRIVATE_URL = 'http://10.0.0.5:8080/hook?jobId=5263842&jobStatus=Complete'
const XPLENTY_URL = 'http://my.service.com/notifications'

const utf8 = (s: string) => new TextEncoder().encode(s)
const rows = Object.values(providers) as Provider[]
const secretOf = (p: Provider) => (p.keyFromSecret === undefined ? TEXT_SECRET : SW_SECRET)

interface Sent {
  body?: string
  contentType?: string
  method?: string
  url?: string
  now?: number
  provider?: Provider
}

/** A delivery signed by the mock sender, as the sender would send it. */
async function send(p: Provider, sent: Sent = {}): Promise<VerifyInput & { body: Uint8Array; headers: Record<string, string> }> {
  const from = sent.provider ?? p
  const method = sent.method ?? 'POST'
  const contentType = sent.contentType ?? 'application/json'
  const body = method === 'GET' ? '' : (sent.body ?? BODY)
  const delivery: UnsignedDelivery = {
    provider: from.name as UnsignedDelivery['provider'],
    method: method as UnsignedDelivery['method'],
    headers: method === 'GET' ? {} : { 'Content-Type': contentType },
    body: utf8(body),
    contentType,
    event: 'job.status',
    deliveryId: 'msg_2Yh9zL',
    createdAt: NOW,
    timeoutMs: 5000,
    ...(sent.url === undefined ? {} : { url: sent.url }),
  }
  const signed = await signDelivery(delivery, { secret: secretOf(from), now: sent.now ?? NOW })
  return { body: signed.body, headers: { ...signed.headers }, method, url: sent.url }
}

interface Case {
  input: VerifyInput
  options?: Partial<VerifierOptions>
}

interface Row {
  mistake: string
  /** The capability the row needs, in words (the table's legend). */
  appliesTo: string
  applies: (p: Provider) => boolean
  make: (p: Provider) => Promise<Case>
  /** The cause the first hint names, or `'verifies'` when the mistake is tolerated. */
  cause: RegExp | 'verifies'
  /** What no hint may say (a wrong cause). */
  never?: RegExp
}

const all = () => true
const textSecret = (p: Provider) => p.keyFromSecret === undefined
const signsTimestamp = (p: Provider) => p.timestampUnit !== undefined
const otherThan = (p: Provider) => (p.name === 'github' ? providers.orchest : providers.github)

const MATRIX: Row[] = [
  {
    mistake: 'wrong secret',
    appliesTo: 'every provider',
    applies: all,
    make: async (p) => ({
      input: await send(p),
      options: { secret: p.keyFromSecret ? 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' : 'not-the-secret' },
    }),
    cause: /^The secret differs/,
    never: /re-serialised|JSON\.stringify|whitespace/,
  },
  {
    mistake: 'wrong secret, raw compact JSON (adapter read the bytes)',
    appliesTo: 'every provider',
    applies: all,
    make: async (p) => ({
      input: await send(p, { body: JSON.stringify(JSON.parse(BODY)) }),
      options: { secret: p.keyFromSecret ? 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' : 'not-the-secret' },
    }),
    cause: /^The secret differs/,
    never: /re-serialised|JSON\.stringify|body parser/,
  },
  {
    mistake: 'secret with a trailing newline',
    appliesTo: 'secret used as text',
    applies: textSecret,
    make: async (p) => ({ input: await send(p), options: { secret: `${TEXT_SECRET}\n` } }),
    cause: /whitespace or quotes.*the signature matches/,
  },
  {
    mistake: 'secret with surrounding spaces and quotes',
    appliesTo: 'secret used as text',
    applies: textSecret,
    make: async (p) => ({ input: await send(p), options: { secret: ` "${TEXT_SECRET}" ` } }),
    cause: /whitespace or quotes.*the signature matches/,
  },
  {
    mistake: 'secret pasted with a whsec_ prefix',
    appliesTo: 'secret used as text',
    applies: textSecret,
    make: async (p) => ({ input: await send(p), options: { secret: `whsec_${TEXT_SECRET}` } }),
    cause: /starts with "whsec_".*without that prefix the signature matches/,
  },
  {
    mistake: 'whsec_ prefix missing',
    appliesTo: 'secret base64-decoded (whsec_)',
    applies: (p) => p.keyFromSecret !== undefined,
    make: async (p) => ({ input: await send(p), options: { secret: SW_SECRET.slice('whsec_'.length) } }),
    cause: 'verifies',
  },
  {
    mistake: 'body re-serialised by a JSON parser',
    appliesTo: 'every provider (all sign the body)',
    applies: all,
    make: async (p) => {
      const input = await send(p)
      return { input: { ...input, body: JSON.stringify(JSON.parse(BODY)) } }
    },
    cause: /re-serialised.*Python json\.dumps/,
  },
  {
    mistake: 'form body URL-decoded',
    appliesTo: 'form bodies of JSON fields',
    applies: (p) => p.formFieldsAreJson === true,
    make: async (p) => {
      const fields = { delivered_for: '{"name": "Test webhook", "type": "webhook"}', event: '{"type": "ping", "uuid": "08bd2a31"}' }
      const raw = Object.entries(fields)
        .map(([k, v]) => `${k}=${quotePlus(v)}`)
        .join('&')
      const input = await send(p, { body: raw, contentType: 'application/x-www-form-urlencoded' })
      const decoded = Object.entries(fields)
        .map(([k, v]) => `${k}=${v}`)
        .join('&')
      return { input: { ...input, body: decoded } }
    },
    cause: /URL-decoded/,
  },
  {
    mistake: 'Lambda base64 body not decoded',
    appliesTo: 'every provider (all sign the body)',
    applies: all,
    make: async (p) => {
      const input = await send(p)
      return { input: { ...input, body: Buffer.from(input.body).toString('base64') } }
    },
    cause: /base64 of the signed bytes/,
  },
  {
    mistake: 'seconds sent where milliseconds are signed',
    appliesTo: 'signs a timestamp in ms',
    applies: (p) => p.timestampUnit === 'ms',
    // the sender's clock read as seconds: t = 1700000000
    make: async (p) => ({ input: await send(p, { now: NOW / 1000 }) }),
    cause: /looks like seconds; this scheme signs milliseconds/,
  },
  {
    mistake: 'milliseconds sent where seconds are signed',
    appliesTo: 'signs a timestamp in s',
    applies: (p) => p.timestampUnit === 's',
    // the sender's clock a thousand times ahead: t = 1700000000000
    make: async (p) => ({ input: await send(p, { now: NOW * 1000 }) }),
    cause: /looks like milliseconds; this scheme signs seconds/,
  },
  {
    mistake: 'now() returning seconds',
    appliesTo: 'signs a timestamp',
    applies: signsTimestamp,
    make: async (p) => ({ input: await send(p), options: { now: () => NOW / 1000 } }),
    cause: /now\(\) returned 1700000000, which is seconds/,
  },
  {
    mistake: 'clock skew (10 min)',
    appliesTo: 'signs a timestamp',
    applies: signsTimestamp,
    make: async (p) => ({ input: await send(p, { now: NOW - 600_000 }) }),
    cause: /differs from this server's clock by -600 s.*NTP/,
  },
  {
    mistake: 'GET behind a proxy, received URL differs',
    appliesTo: 'signs the URL of a GET',
    applies: (p) => p.name === 'designer-cloud',
    make: async (p) => {
      const input = await send(p, { method: 'GET', url: PUBLIC_URL })
      const headers = { ...input.headers, 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'hooks.example.com' }
      return { input: { ...input, headers, url: PRIVATE_URL } }
    },
    cause: /signed the URL https:\/\/hooks\.example\.com\/hook\?jobId=5263842&jobStatus=Complete.*publicUrl/,
  },
  {
    mistake: "another provider's delivery (GitHub to this route)",
    appliesTo: 'every provider',
    applies: all,
    make: async (p) => ({ input: await send(p, { provider: otherThan(p) }) }),
    cause: /GitHub|Orchest/,
  },
  {
    mistake: 'Xplenty sha1-metadata variant',
    appliesTo: 'has a metadata variant (xplentyMetadata)',
    applies: (p) => p.name === 'xplenty',
    make: async () => {
      const digest = createHash('sha1').update(`1job.completed${XPLENTY_URL}${TEXT_SECRET}`).digest('hex')
      return {
        input: { body: BODY, headers: { 'X-Hook-Signature': digest, 'Content-Type': 'application/json' } },
        options: { xplentyMetadata: { hookId: 1, url: XPLENTY_URL, event: 'job.completed' } },
      }
    },
    cause: /matches sha1-metadata/,
  },
]

const outcomes = new Map<string, Map<string, string>>()

function record(mistake: string, provider: string, outcome: string): void {
  let row = outcomes.get(mistake)
  if (row === undefined) outcomes.set(mistake, (row = new Map()))
  row.set(provider, outcome)
}

describe.each(backends)('the first explain() hint names the real cause (%s)', (backend, api) => {
  const combos = MATRIX.flatMap((row) => rows.map((p) => [row.mistake, p.name, row, p] as const))
  it.each(combos)('%s, %s', async (_m, _n, row, p) => {
    if (!row.applies(p)) {
      if (backend === 'node:crypto') record(row.mistake, p.name, 'n/a')
      return
    }
    const { input, options } = await row.make(p)
    const result = await api.check(input, {
      provider: p.name as ProviderName,
      secret: secretOf(p),
      now: () => NOW,
      logger: false,
      ...options,
    } as VerifierOptions)
    if (row.cause === 'verifies') {
      expect(result.ok).toBe(true)
      if (backend === 'node:crypto') record(row.mistake, p.name, 'verifies')
      return
    }
    expect(result.ok).toBe(false)
    if (result.ok) return
    const hints = await api.WebhookVerificationError.from(result).explain()
    if (backend === 'node:crypto') record(row.mistake, p.name, row.cause.test(hints[0] ?? '') ? `ok ${result.code}` : `FAIL: ${hints[0]}`)
    expect(hints[0], hints.join('\n')).toMatch(row.cause)
    if (row.never) for (const hint of hints) expect(hint).not.toMatch(row.never)
    // a hint never holds the secret
    const secret = String(options?.secret ?? secretOf(p)).trim()
    for (const hint of hints) expect(hint).not.toContain(secret.replace(/^whsec_/, ''))
  })
})

afterAll(() => {
  const names = rows.map((p) => p.name)
  const short = (o: string | undefined) => (o === undefined ? '?' : o === 'n/a' ? '·' : o.startsWith('ok') ? 'ok' : o)
  const lines = [
    `| mistake (applies to) | ${names.join(' | ')} |`,
    `| --- | ${names.map(() => '---').join(' | ')} |`,
    ...MATRIX.map(
      (row) => `| ${row.mistake} (${row.appliesTo}) | ${names.map((n) => short(outcomes.get(row.mistake)?.get(n))).join(' | ')} |`,
    ),
  ]
  console.log(`hints matrix (ok: the first hint names the cause; ·: does not apply)\n${lines.join('\n')}`)
})
