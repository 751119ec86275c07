// A user's own provider row, defined inline with core's defineProvider and nowhere registered: the
// mock sender gives it a generic delivery signed by the row's own `sign`, sends it to a real
// Express receiver verifying with the same row, and runs conformance against it. Its fault scopes
// come from the row (it signs a timestamp in seconds and reads a delivery id), not from a list.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  bytesToHex,
  createVerifier,
  defineProvider,
  hexToBytes,
  MemoryReplayStore,
  type ParsedSignature,
  type RequestView,
} from '@hookproof/core'
import { verifyWebhook } from '@hookproof/express'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { conformance } from '../src/conformance/conformance.js'
import { bodyText, SEEDED_NOW } from '../src/delivery.js'
import { createDelivery } from '../src/events.js'
import { buildCase } from '../src/faults/cases.js'
import { faultsFor } from '../src/faults/faults.js'
import { signDelivery } from '../src/sign.js'
import { send } from '../src/wire/send.js'

const utf8 = (s: string) => new TextEncoder().encode(s)
const one = (request: RequestView, name: string) => {
  const v = request.header(name)
  return typeof v === 'string' ? v : undefined
}

/** Acme: `X-Acme-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`, `X-Acme-Timestamp` in seconds, `X-Acme-Delivery`. */
const acme = defineProvider({
  name: 'acme',
  title: 'Acme',
  docs: 'https://acme.example/docs/webhooks',
  signatureHeaders: ['x-acme-signature'],
  timestampUnit: 's',
  replayTtlSeconds: 86_400,
  dedupFallback: 'signature',
  detect: (request) => one(request, 'x-acme-signature') !== undefined,
  parse(request) {
    const value = one(request, 'x-acme-signature')
    if (value === undefined) return { ok: false, code: 'MISSING_SIGNATURE', status: 401, message: 'X-Acme-Signature is missing' }
    const hex = /^v1=([0-9a-f]{64})$/.exec(value)?.[1]
    const t = one(request, 'x-acme-timestamp')
    if (hex === undefined || t === undefined || !/^\d{1,12}$/.test(t)) {
      return { ok: false, code: 'MALFORMED_SIGNATURE', status: 400, message: 'X-Acme-Signature must be v1=<64 hex>, with X-Acme-Timestamp' }
    }
    const parsed: ParsedSignature = {
      hash: 'SHA-256',
      signatures: [hexToBytes(hex) as Uint8Array],
      parts: [utf8(`${t}.`), request.body],
      value,
      timestamp: Number(t),
      covered: ['timestamp', 'body'],
    }
    return parsed
  },
  deliveryId: (request) => one(request, 'x-acme-delivery'),
  async sign(input, tools) {
    const t = String(Math.floor((input.now ?? Date.now()) / 1000))
    const body = typeof input.body === 'string' ? utf8(input.body) : input.body
    const mac = await tools.hmac('SHA-256', [utf8(`${t}.`), body])
    return {
      'X-Acme-Signature': `v1=${bytesToHex(mac)}`,
      'X-Acme-Timestamp': t,
      ...(input.id === undefined ? {} : { 'X-Acme-Delivery': input.id }),
    }
  },
})

const SECRET = 'acme-secret-current'
const PREVIOUS = 'acme-secret-previous'

interface Running {
  url: string
  handled(): number
  close(): Promise<void>
}

async function listen(server: Server, handled: () => number): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    handled,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** The Express receiver of the README with the user's row; `toleranceSeconds` loosened to build a wrong one. */
async function acmeReceiver(toleranceSeconds = 300): Promise<Running> {
  let handled = 0
  const app = express()
  const verify = verifyWebhook({
    provider: acme,
    secrets: [SECRET, PREVIOUS],
    toleranceSeconds,
    replayStore: new MemoryReplayStore(),
    logger: false, // the rejections are the point here
  })
  app.post('/webhooks/acme', verify, (_req, res) => {
    handled++
    res.sendStatus(204)
  })
  app.get('/handled', (_req, res) => {
    res.json({ count: handled })
  })
  return listen(createServer(app), () => handled)
}

describe('a user’s own defineProvider row (acme), with no vendor file', () => {
  let receiver: Running
  beforeAll(async () => {
    receiver = await acmeReceiver()
  })
  afterAll(() => receiver.close())

  it('createDelivery gives the generic JSON body with a delivery id, and signing matches a literal vector', async () => {
    const delivery = createDelivery(acme, { seed: 'acme-vector', now: SEEDED_NOW })
    expect(delivery.provider).toBe('acme')
    expect(delivery.row).toBe(acme)
    expect(delivery.method).toBe('POST')
    expect(delivery.timeoutMs).toBe(10_000)
    expect(bodyText(delivery)).toBe(ACME_VECTOR.body)
    const signed = await signDelivery(delivery, { secret: SECRET, now: SEEDED_NOW })
    // computed with Python's hmac module over "1700000000." + the body above, not by the row
    expect(signed.signatureHeaders).toEqual(ACME_VECTOR.headers)
    expect(signed.headers['Content-Type']).toBe('application/json')
  })

  it('createDelivery refuses a method the generic vendor never sends', () => {
    expect(() => createDelivery(acme, { method: 'PUT' })).toThrow(/acme deliveries are always POST; got PUT/)
  })

  it('send() delivers it to the Express receiver, which accepts it once', async () => {
    const before = receiver.handled()
    const signed = await signDelivery(createDelivery(acme, { seed: 'acme-send' }), { secret: SECRET })
    const result = await send(signed, { url: `${receiver.url}/webhooks/acme` })
    expect(result.attempts.map((a) => a.status)).toEqual([204])
    expect(receiver.handled()).toBe(before + 1)
  })

  it('its fault scopes come from the row: timestamp and duplicate faults included', async () => {
    expect((await faultsFor(acme)).map((f) => f.name)).toEqual([
      'tampered-body',
      'tampered-signature',
      'wrong-secret',
      'rotated-secret',
      'stale-timestamp',
      'future-timestamp',
      'missing-signature',
      'malformed-signature',
      'duplicate',
      'concurrent-duplicate',
    ])
  })

  it('conformance against the correct receiver: every case passes, the timestamp and duplicate faults ran', async () => {
    const report = await conformance(`${receiver.url}/webhooks/acme`, {
      provider: acme,
      secret: SECRET,
      previousSecret: PREVIOUS,
      counterUrl: `${receiver.url}/handled`,
    })
    const failures = report.cases.filter((c) => !c.ok).map((c) => `${c.name}: ${c.actual} ${c.note ?? ''}`)
    expect(failures).toEqual([])
    expect(report.ok).toBe(true)
    expect(report.provider).toBe('acme')
    expect(report.skipped).toEqual([])
    expect(report.counted).toBe(true)
    const names = report.cases.map((c) => c.name)
    for (const name of ['stale-timestamp', 'future-timestamp', 'duplicate', 'concurrent-duplicate', 'tampered-signature']) {
      expect(names).toContain(name)
    }
    expect(report.cases.find((c) => c.name === 'tampered-signature')?.actual).toBe('401 SIGNATURE_MISMATCH')
    expect(report.cases.find((c) => c.name === 'stale-timestamp')?.actual).toBe('401 TIMESTAMP_TOO_OLD')
    expect(report.cases.find((c) => c.name === 'malformed-signature')?.actual).toBe('400 MALFORMED_SIGNATURE')
  })

  it('conformance against a receiver that ignores the clock fails exactly the timestamp faults', async () => {
    const lax = await acmeReceiver(10 ** 9)
    try {
      const report = await conformance(`${lax.url}/webhooks/acme`, { provider: acme, secret: SECRET, previousSecret: PREVIOUS })
      expect(report.ok).toBe(false)
      expect(report.cases.filter((c) => c.verdict === 'fail').map((c) => c.name)).toEqual(['stale-timestamp', 'future-timestamp'])
      expect(report.cases.find((c) => c.name === 'stale-timestamp')?.note).toBe('accepted a delivery it must reject')
    } finally {
      await lax.close()
    }
  })
})

/**
 * A scheme unlike any built-in: the MAC as unpadded base64url in a quoted parameter after a key id,
 * `X-Odd-Signature: keyId="k1", sig="<base64url>"`. Nothing in the mock sender knows this grammar.
 */
const odd = defineProvider({
  name: 'odd',
  title: 'Odd',
  docs: 'https://odd.example/webhooks',
  signatureHeaders: ['x-odd-signature'],
  replayTtlSeconds: 3600,
  dedupFallback: 'signature',
  detect: (request) => one(request, 'x-odd-signature') !== undefined,
  parse(request) {
    const value = one(request, 'x-odd-signature')
    if (value === undefined) return { ok: false, code: 'MISSING_SIGNATURE', status: 401, message: 'X-Odd-Signature is missing' }
    const sig = /^keyId="k1", sig="([A-Za-z0-9_-]{43})"$/.exec(value)?.[1]
    if (sig === undefined) return { ok: false, code: 'MALFORMED_SIGNATURE', status: 400, message: 'X-Odd-Signature: bad grammar' }
    const mac = new Uint8Array(Buffer.from(sig, 'base64url'))
    // 43 base64url digits carry 258 bits: the last 2 must be zero, or two spellings would verify
    if (Buffer.from(mac).toString('base64url') !== sig) {
      return { ok: false, code: 'MALFORMED_SIGNATURE', status: 400, message: 'X-Odd-Signature: not canonical base64url' }
    }
    return { hash: 'SHA-256', signatures: [mac], parts: [request.body], value }
  },
  async sign(input, tools) {
    const body = typeof input.body === 'string' ? utf8(input.body) : input.body
    const mac = await tools.hmac('SHA-256', [body])
    return { 'X-Odd-Signature': `keyId="k1", sig="${Buffer.from(mac).toString('base64url')}"` }
  },
})

describe('signature faults for a scheme the mock sender has never seen (odd: quoted base64url after a key id)', () => {
  const secret = 'odd-secret'
  const verifier = createVerifier({ provider: odd, secret })
  const check = (r: { body: Uint8Array; headers: Record<string, string> }) => verifier.check({ body: r.body, headers: r.headers })
  const delivery = createDelivery(odd, { seed: 'odd' })

  it('the valid delivery verifies', async () => {
    const c = await buildCase(delivery, 'valid', { secret })
    const result = await check(c.requests[0] as (typeof c.requests)[number])
    expect(result.ok ? 'ok' : result.code).toBe('ok')
  })

  it('tampered-signature changes one base64url digit inside the quotes and is a SIGNATURE_MISMATCH', async () => {
    const valid = (await buildCase(delivery, 'valid', { secret })).requests[0]?.headers['X-Odd-Signature'] as string
    const c = await buildCase(delivery, 'tampered-signature', { secret })
    const sent = c.requests[0]?.headers['X-Odd-Signature'] as string
    expect(sent).toMatch(/^keyId="k1", sig="[A-Za-z0-9_-]{43}"$/)
    expect([...sent].filter((ch, i) => ch !== valid[i])).toHaveLength(1)
    const result = await check(c.requests[0] as (typeof c.requests)[number])
    expect(result.ok ? 'ok' : result.code).toBe('SIGNATURE_MISMATCH')
  })

  it('malformed-signature keeps the key id and quotes and is a MALFORMED_SIGNATURE', async () => {
    const c = await buildCase(delivery, 'malformed-signature', { secret })
    expect(c.requests[0]?.headers['X-Odd-Signature']).toBe('keyId="k1", sig="!not-hex-or-base64!"')
    const result = await check(c.requests[0] as (typeof c.requests)[number])
    expect(result.ok ? 'ok' : result.code).toBe('MALFORMED_SIGNATURE')
  })

  it('it signs no time and reads no delivery id, so no timestamp faults; it dedups on the signature', async () => {
    const names = (await faultsFor(odd)).map((f) => f.name)
    expect(names).not.toContain('stale-timestamp')
    expect(names).toContain('duplicate')
  })
})

const ACME_VECTOR = {
  body: '{"id":"d7b0b1e1-afc0-41ee-9989-4e4dbc2a224a","type":"ping","created_at":"2023-11-14T22:13:20Z","data":{}}',
  headers: {
    'X-Acme-Signature': 'v1=d4bb210d11a18866ab55156719312c30670f9f0d06586256a93342894504dcae',
    'X-Acme-Timestamp': '1700000000',
    'X-Acme-Delivery': 'd7b0b1e1-afc0-41ee-9989-4e4dbc2a224a',
  },
}
