import { describe, expect, it } from 'vitest'
import { STATUS, type WebhookErrorCode } from '../src/errors.js'
import { backends } from './backends.js'

const T = 1_700_000_000_000
const body = '{"event":"ping"}'
const secret = 'super-secret-value-42'

describe.each(backends)('errors (%s)', (_name, api) => {
  const opts = (extra: Record<string, unknown> = {}) => ({ provider: 'orchest' as const, secret, now: () => T, ...extra })

  it('the status table maps every code, and DUPLICATE_DELIVERY is 200 when done, 409 in flight', () => {
    const expected: Record<WebhookErrorCode, number> = {
      MISSING_SIGNATURE: 401,
      MALFORMED_SIGNATURE: 400,
      SIGNATURE_MISMATCH: 401,
      MISSING_TIMESTAMP: 400,
      TIMESTAMP_TOO_OLD: 401,
      TIMESTAMP_IN_FUTURE: 401,
      BODY_NOT_AUTHENTICATED: 401,
      DUPLICATE_DELIVERY: 409,
      BODY_TOO_LARGE: 413,
      BODY_TIMEOUT: 408,
      BODY_ALREADY_PARSED: 500,
      INVALID_PAYLOAD: 400,
      STORE_UNAVAILABLE: 503,
      PAYLOAD_SCHEMA_MISMATCH: 422,
      UNKNOWN_EVENT: 422,
    }
    expect(STATUS).toEqual(expected)
  })

  it('verify() throws WebhookVerificationError with code, status and a message naming the header; check() returns the same without throwing', async () => {
    const err = await api.verify({ body, headers: {} }, opts()).catch((e) => e)
    expect(err).toBeInstanceOf(api.WebhookVerificationError)
    expect(err).toBeInstanceOf(Error)
    expect(api.isWebhookVerificationError(err)).toBe(true)
    expect(err.code).toBe('MISSING_SIGNATURE')
    expect(err.status).toBe(401)
    expect(err.message).toContain('X-Hub-Signature')
    const r = await api.check({ body, headers: {} }, opts())
    expect(r).toMatchObject({ ok: false, code: 'MISSING_SIGNATURE', status: 401 })
    expect(r).not.toBeInstanceOf(Error)
  })

  it('messages, problem details and responses never contain the secret or the expected signature', async () => {
    const h = await api.sign('orchest', { secret, body })
    const expectedSig = h['X-Hub-Signature'] as string
    const verifier = api.createVerifier(opts())
    const failures = [
      await verifier.check({ body: `${body} `, headers: h }),
      await verifier.check({ body, headers: { 'x-hub-signature': expectedSig.slice(0, 63) } }),
      await verifier.check({ body, headers: { 'x-hub-signature': [expectedSig, expectedSig] } }),
    ]
    for (const f of failures) {
      expect(f.ok).toBe(false)
      if (f.ok) continue
      const err = api.WebhookVerificationError.from(f)
      const text = [f.message, JSON.stringify(err.toProblem()), await err.toResponse().text(), JSON.stringify(err), String(err)].join('\n')
      expect(text).not.toContain(secret)
      expect(text).not.toContain(expectedSig)
      expect(text).not.toContain(expectedSig.slice(0, 16))
    }
  })

  it('toResponse() is problem+json with type, title, status and code', async () => {
    const err = await api.verify({ body, headers: { 'x-hub-signature': 'zz' } }, opts()).catch((e) => e)
    const res: Response = err.toResponse()
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    const json = await res.json()
    expect(json).toMatchObject({ status: 400, code: 'MALFORMED_SIGNATURE', title: 'Malformed webhook signature' })
    expect(json.type).toMatch(/#malformed-signature$/)
  })

  it('explain() points at whitespace around the secret, and names it when trimming fixes the match', async () => {
    const h = await api.sign('orchest', { secret, body })
    const err = await api.verify({ body, headers: h }, opts({ secret: `${secret}\n` })).catch((e) => e)
    expect(err.code).toBe('SIGNATURE_MISMATCH')
    const all = await err.explain()
    const hints = all.join('\n')
    expect(all[0]).toMatch(/^The secret has surrounding whitespace or quotes .*; without them the signature matches/)
    expect(hints).not.toContain(secret)
  })

  it('explain() names a body re-serialised by a JSON parser', async () => {
    const pythonBody = '{"event": {"type": "ping"}, "n": 1}'
    const h = await api.sign('orchest', { secret, body: pythonBody })
    const err = await api.verify({ body: JSON.stringify(JSON.parse(pythonBody)), headers: h }, opts()).catch((e) => e)
    expect((await err.explain()).join('\n')).toContain('re-serialised')
  })

  it('DUPLICATE_DELIVERY: in flight is 409 with Retry-After, done is 200, aborted lets the retry through', async () => {
    const store = new api.MemoryReplayStore()
    const verifier = api.createVerifier(opts({ replayStore: store, leaseSeconds: 30 }))
    const headers = { ...(await api.sign('orchest', { secret, body, id: 'd-1' })), 'content-type': 'application/json' }
    const first = await verifier.check({ body, headers })
    // X-Orchest-Delivery is not signed: the key is the verified MAC (its first 16 bytes)
    expect(first.ok && first.webhook.replayKey).toBe(`orchest:mac:${(headers as Record<string, string>)['X-Hub-Signature']?.slice(0, 32)}`)
    const second = await verifier.check({ body, headers })
    expect(second).toMatchObject({ ok: false, code: 'DUPLICATE_DELIVERY', status: 409, retryAfter: 30 })
    if (first.ok) await first.webhook.abort()
    const retry = await verifier.check({ body, headers })
    expect(retry.ok).toBe(true)
    if (retry.ok) await retry.webhook.complete()
    const third = await verifier.check({ body, headers })
    expect(third).toMatchObject({ ok: false, code: 'DUPLICATE_DELIVERY', status: 200 })
    const thrown = await verifier.verify({ body, headers }).catch((e) => e)
    expect(thrown.status).toBe(200)
  })

  it('dedup keys: the signed id where the MAC covers one, else the verified MAC, none for xplenty unless deliveryKey is given', async () => {
    const store = new api.MemoryReplayStore()
    const y42 = api.createVerifier({ provider: 'y42', secret, replayStore: store })
    const h = await api.sign('y42', { secret, body })
    const r = await y42.check({ body, headers: h })
    expect(r.ok && r.webhook.replayKey).toBe(`y42:mac:${h['X-Y42-Signature']?.slice('sha256='.length, 'sha256='.length + 32)}`)
    const x = api.createVerifier({ provider: 'xplenty', secret, replayStore: store })
    const xh = await api.sign('xplenty', { secret, body })
    const xr = await x.check({ body, headers: xh })
    expect(xr.ok && xr.webhook.replayKey).toBeUndefined()
    const own = api.createVerifier({
      provider: 'xplenty',
      secret,
      replayStore: store,
      deliveryKey: (w) => String((w.payload as { event: string }).event),
    })
    const o1 = await own.check({ body, headers: xh })
    expect(o1.ok && o1.webhook.replayKey).toBe('xplenty:ping')
    expect((await own.check({ body, headers: xh })).ok).toBe(false)
  })

  it('STORE_UNAVAILABLE: a store that fails answers 503 with Retry-After, never processed', async () => {
    const broken = {
      begin: async () => {
        throw new Error('ECONNREFUSED')
      },
      complete: async () => {},
      abort: async () => {},
    }
    const verifier = api.createVerifier(opts({ replayStore: broken }))
    const headers = await api.sign('orchest', { secret, body, id: 'd-2' })
    const r = await verifier.check({ body, headers })
    expect(r).toMatchObject({ ok: false, code: 'STORE_UNAVAILABLE', status: 503, retryAfter: 5 })
  })

  it('complete() and abort() settle once; without a store they are no-ops', async () => {
    const calls: string[] = []
    const store = {
      begin: async () => 'new' as const,
      complete: async (k: string) => void calls.push(`complete ${k}`),
      abort: async (k: string) => void calls.push(`abort ${k}`),
    }
    const verifier = api.createVerifier(opts({ replayStore: store }))
    const headers = await api.sign('orchest', { secret, body, id: 'd-3' })
    const r = await verifier.verify({ body, headers })
    await r.complete()
    await r.abort()
    await r.complete()
    expect(calls).toEqual([`complete orchest:mac:${headers['X-Hub-Signature']?.slice(0, 32)}`])
    const plain = await api.verify({ body, headers }, opts())
    await expect(plain.complete()).resolves.toBeUndefined()
  })
})
