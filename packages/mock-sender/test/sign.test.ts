import { createHmac } from 'node:crypto'
import { createVerifier } from '@hookproof/core'
import { describe, expect, it } from 'vitest'
import { bodyText } from '../src/delivery.js'
import { signDelivery } from '../src/sign.js'
import { designerCloudEvent } from '../src/vendors/designer-cloud.js'
import { orchestPing } from '../src/vendors/orchest.js'
import { up42Event } from '../src/vendors/up42.js'
import { xplentyEvent } from '../src/vendors/xplenty.js'
import { y42Event } from '../src/vendors/y42.js'
import designerCloudPost from './fixtures/designer-cloud-post.json' with { type: 'json' }
import pingJson from './fixtures/orchest-ping-json.json' with { type: 'json' }
import y42Json from './fixtures/y42-json.json' with { type: 'json' }

function header(headers: Record<string, string>, name: string): string | undefined {
  return Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1]
}

describe('signDelivery() reproduces the published vectors byte for byte', () => {
  it('orchest-ping-json: the factory’s documented ping gets the vector’s X-Hub-Signature', async () => {
    const d = orchestPing({
      deliveredFor: { uuid: 'a1edb89c-1cfb-4086-8f75-ab073612c5bf' },
      event: { uuid: '08bd2a31-9b17-4d1b-83ba-b4538a970dee', timestamp: '2022-06-02 16:12:25.242592+00:00' },
    })
    const signed = await signDelivery(d, { secret: pingJson.secret })
    expect(bodyText(signed)).toBe(pingJson.body)
    expect(header(signed.headers, 'x-hub-signature')).toBe(pingJson.headers['x-hub-signature'])
    expect(header(signed.headers, 'x-orchest-event')).toBe('ping')
  })

  it('designer-cloud-post: template, vector clock and secret give the vector’s header', async () => {
    const d = designerCloudEvent({ jobId: 5263842, jobStatus: 'Complete' })
    const signed = await signDelivery(d, { secret: designerCloudPost.secret, now: designerCloudPost.now })
    expect(header(signed.headers, 'x-webhook-signature')).toBe(designerCloudPost.headers['x-webhook-signature'])
    expect(signed.signedAt).toBe(1700000000000)
  })

  it('y42-json: the illustrative alert gets the vector’s x-y42-signature', async () => {
    const d = y42Event({ now: 1700000000000, overrides: { run_id: '4c1e2f3a-5b6d-4e7f-8a9b-0c1d2e3f4a5b' } })
    const signed = await signDelivery(d, { secret: y42Json.secret })
    expect(header(signed.headers, 'x-y42-signature')).toBe(y42Json.headers['x-y42-signature'])
  })
})

describe('signDelivery()', () => {
  it('UP42: signs Content-Digest and a Date from the signing clock, and core accepts it', async () => {
    const now = 1_750_000_000_000
    const signed = await signDelivery(up42Event({ seed: 1 }), { secret: 's3cret', now })
    expect(header(signed.headers, 'date')).toBe('Sun, 15 Jun 2025 15:06:40 GMT')
    expect(header(signed.headers, 'content-digest')).toMatch(/^sha-256=:[A-Za-z0-9+/]{43}=:$/)
    expect(header(signed.headers, 'signature-input')).toBe('up42-sig=("content-digest" "date");created=1750000000')
    const result = await createVerifier({ provider: 'up42', secret: 's3cret', now: () => now }).check({
      body: signed.body,
      headers: signed.headers,
    })
    expect(result.ok).toBe(true)
  })

  it('Designer Cloud GET without a URL is refused, with one it signs t.url', async () => {
    await expect(signDelivery(designerCloudEvent({ method: 'GET' }), { secret: 's' })).rejects.toThrow(TypeError)
    const url = 'https://hooks.example/designer?job=1'
    const now = 1_700_000_000_000
    const signed = await signDelivery(designerCloudEvent({ method: 'GET' }), { secret: 's', url, now })
    expect(signed.url).toBe(url)
    const result = await createVerifier({ provider: 'designer-cloud', secret: 's', now: () => now }).check({
      body: signed.body,
      headers: signed.headers,
      method: 'GET',
      url,
    })
    expect(result.ok).toBe(true)
  })

  it('does not modify the unsigned delivery', async () => {
    const d = orchestPing({ seed: 1 })
    const before = { ...d.headers }
    await signDelivery(d, { secret: 'x' })
    expect(d.headers).toEqual(before)
  })
})

describe('signDelivery() Xplenty variants', () => {
  const salt = '2db5b8725e2d86aba40d43f6e403bdf483b8535a3d0011d34b3687140b52bc8c'
  const url = 'http://my.service.com/notifications'

  it('xplentyMetadata signs sha1-metadata: the vectors.json digest for hook 1, job.completed, the reference url', async () => {
    const d = xplentyEvent({ event: 'job.completed', seed: 1 })
    const signed = await signDelivery(d, { secret: salt, xplentyMetadata: { hookId: 1, url } })
    // literal from packages/core/test/vectors/vectors.json (xplenty-sha1-metadata, Python hashlib)
    expect(signed.signatureHeaders).toEqual({ 'X-Hook-Signature': '380cd35ad60354c10894800f95934670f6923c5c' })
    const verifier = createVerifier({
      provider: 'xplenty',
      secret: salt,
      xplentyScheme: 'sha1-metadata',
      xplentyMetadata: { hookId: 1, url, event: d.event },
    })
    const r = await verifier.check({ body: signed.body, headers: signed.headers, url: 'http://10.0.0.5/in' })
    expect(r.ok && r.webhook.bodyAuthenticated).toBe(false)
  })

  it('without xplentyMetadata it is the body HMAC, SHA-1 unless hash says otherwise', async () => {
    const d = xplentyEvent({ event: 'job.completed', seed: 1 })
    const sha1 = await signDelivery(d, { secret: salt })
    expect(sha1.signatureHeaders['X-Hook-Signature']).toBe(createHmac('sha1', salt).update(d.body).digest('hex'))
    const sha256 = await signDelivery(d, { secret: salt, hash: 'SHA-256' })
    expect(sha256.signatureHeaders['X-Hook-Signature']).toBe(createHmac('sha256', salt).update(d.body).digest('hex'))
  })
})
