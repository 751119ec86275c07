import { MemoryReplayStore, type ReplayStore, sign } from '@hookproof/core'
import { expect, it } from 'vitest'
import { delivery, SECRETS } from './deliveries.js'
import { type AdapterFixture, receiver, send } from './fixture.js'

const PROBLEM = 'application/problem+json'

/** Registers one test per error code a request can earn, each answered as problem+json. */
export function errorResponses(fixture: AdapterFixture): void {
  it('verifyWebhook() without a signature header answers 401 MISSING_SIGNATURE as problem+json', async () => {
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret: SECRETS.orchest })
    const d = await delivery('orchest')
    delete d.headers['X-Hub-Signature']
    const res = await send(app, d)
    expect(res.status).toBe(401)
    expect(res.headers['content-type']).toContain(PROBLEM)
    expect(res.body).toMatchObject({
      status: 401,
      code: 'MISSING_SIGNATURE',
      title: expect.any(String),
      type: expect.stringContaining('missing-signature'),
    })
    expect(calls).toHaveLength(0)
  })

  it('verifyWebhook() with a signature that is not hex answers 400 MALFORMED_SIGNATURE', async () => {
    const { app } = receiver(fixture, { provider: 'orchest', secret: SECRETS.orchest })
    const d = await delivery('orchest')
    d.headers['X-Hub-Signature'] = 'z'.repeat(64)
    const res = await send(app, d)
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('MALFORMED_SIGNATURE')
  })

  it('verifyWebhook() with the signature header sent twice answers 400 MALFORMED_SIGNATURE', async () => {
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret: SECRETS.orchest })
    const d = await delivery('orchest')
    const signature = d.headers['X-Hub-Signature'] as string
    delete d.headers['X-Hub-Signature']
    const res = await send(app, d).set('X-Hub-Signature', [signature, signature] as unknown as string)
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('MALFORMED_SIGNATURE')
    expect(res.body.detail).toContain('sent 2 times')
    expect(calls).toHaveLength(0)
  })

  it('verifyWebhook() with a tampered body answers 401 SIGNATURE_MISMATCH and never reveals the secret or the expected signature', async () => {
    const { app, calls } = receiver(fixture, { provider: 'designer-cloud', secret: SECRETS['designer-cloud'] })
    const now = Date.now()
    const d = await delivery('designer-cloud', { now })
    const tampered = d.body.replace('Complete', 'Failed')
    const expected = await sign('designer-cloud', { secret: SECRETS['designer-cloud'], body: tampered, now })
    const res = await send(app, { ...d, body: tampered })
    expect(res.status).toBe(401)
    expect(res.body.code).toBe('SIGNATURE_MISMATCH')
    const hex = (expected['X-Webhook-Signature'] as string).split('sha256=')[1] as string
    expect(res.text).not.toContain(hex)
    expect(res.text).not.toContain(SECRETS['designer-cloud'])
    expect(calls).toHaveLength(0)
  })

  it('verifyWebhook() with a designer-cloud header without t= answers 400 MISSING_TIMESTAMP', async () => {
    const { app } = receiver(fixture, { provider: 'designer-cloud', secret: SECRETS['designer-cloud'] })
    const d = await delivery('designer-cloud')
    d.headers['X-Webhook-Signature'] = (d.headers['X-Webhook-Signature'] as string).replace(/^t=\d+,/, '')
    const res = await send(app, d)
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('MISSING_TIMESTAMP')
  })

  it('verifyWebhook() with a designer-cloud t 301 s old answers 401 TIMESTAMP_TOO_OLD', async () => {
    const { app } = receiver(fixture, { provider: 'designer-cloud', secret: SECRETS['designer-cloud'] })
    const res = await send(app, await delivery('designer-cloud', { now: Date.now() - 301_000 }))
    expect(res.status).toBe(401)
    expect(res.body.code).toBe('TIMESTAMP_TOO_OLD')
  })

  it('verifyWebhook() with a standard-webhooks timestamp 305 s ahead answers 401 TIMESTAMP_IN_FUTURE', async () => {
    const { app } = receiver(fixture, { provider: 'standard-webhooks', secret: SECRETS['standard-webhooks'] })
    // whole seconds, rounded down when signed, and read by the receiver a moment later on the real
    // clock: 301 s ahead was 300 s or less about once in fifty runs (a 200). The exact boundary
    // is tested on a fixed clock in negatives.test.ts.
    const res = await send(app, await delivery('standard-webhooks', { now: Date.now() + 305_000 }))
    expect(res.status).toBe(401)
    expect(res.body.code).toBe('TIMESTAMP_IN_FUTURE')
  })

  it('verifyWebhook() with an up42 signature that lists no digest header answers 401 BODY_NOT_AUTHENTICATED', async () => {
    const { app, calls } = receiver(fixture, { provider: 'up42', secret: SECRETS.up42 })
    const res = await send(app, await delivery('up42', { sign: { digest: 'none' } }))
    expect(res.status).toBe(401)
    expect(res.body.code).toBe('BODY_NOT_AUTHENTICATED')
    expect(calls).toHaveLength(0)
  })

  it('verifyWebhook() with a signed body that is not the JSON its content type says answers 400 INVALID_PAYLOAD', async () => {
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret: SECRETS.orchest })
    const res = await send(app, await delivery('orchest', { body: '{"event": ' }))
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('INVALID_PAYLOAD')
    expect(calls).toHaveLength(0)
  })

  it('verifyWebhook() with a body over the limit answers 413 BODY_TOO_LARGE', async () => {
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret: SECRETS.orchest, limit: 64 })
    const res = await send(app, await delivery('orchest', { body: JSON.stringify({ pad: 'x'.repeat(100) }) }))
    expect(res.status).toBe(413)
    expect(res.body.code).toBe('BODY_TOO_LARGE')
    expect(calls).toHaveLength(0)
  })

  it('verifyWebhook() with a processed delivery sent again answers 200 DUPLICATE_DELIVERY without calling the handler', async () => {
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret: SECRETS.orchest })
    const d = await delivery('orchest')
    expect((await send(app, d)).status).toBe(200)
    const again = await send(app, d)
    expect(again.status).toBe(200)
    expect(again.body.code).toBe('DUPLICATE_DELIVERY')
    expect(calls).toHaveLength(1)
  })

  it('verifyWebhook() with a replay store that is down answers 503 STORE_UNAVAILABLE with Retry-After', async () => {
    const down: ReplayStore = {
      begin: () => Promise.reject(new Error('ECONNREFUSED')),
      complete: () => Promise.resolve(),
      abort: () => Promise.resolve(),
    }
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret: SECRETS.orchest, replayStore: down })
    const res = await send(app, await delivery('orchest'))
    expect(res.status).toBe(503)
    expect(res.body.code).toBe('STORE_UNAVAILABLE')
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    expect(calls).toHaveLength(0)
  })

  it('verifyWebhook() answers a rejection only with type, title, status, code and detail', async () => {
    const { app } = receiver(fixture, { provider: 'github', secret: SECRETS.github, replayStore: new MemoryReplayStore() })
    const d = await delivery('github')
    const res = await send(app, { ...d, body: `${d.body} ` })
    expect(Object.keys(res.body).sort()).toEqual(['code', 'detail', 'status', 'title', 'type'])
  })
}
