import { describe, expect, it } from 'vitest'
import { providers } from '../src/providers/index.js'
import { type Api, backends, type Vector } from './backends.js'
import vectors from './vectors/vectors.json' with { type: 'json' }

const all = vectors as unknown as Vector[]

/** A different, well-formed secret for the vector's scheme. */
function otherSecret(v: Vector): string {
  return v.secret.startsWith('whsec_') ? 'whsec_dGhpcy1pcy1hbm90aGVyLWtleQ==' : `${v.secret}x`
}

function run(api: Api, v: Vector, overrides: Record<string, unknown> = {}) {
  return api.check(
    { body: v.body, headers: v.headers, method: v.method, url: v.url },
    { provider: v.provider as 'github', secret: v.secret, now: () => v.now, ...v.options, ...overrides },
  )
}

describe.each(backends)('public and recorded vectors (%s)', (_name, api) => {
  it.each(all.filter((v) => v.valid).map((v) => [v.id, v] as const))('%s verifies', async (_id, v) => {
    const result = await run(api, v)
    if (!result.ok) throw new Error(`${v.id}: ${result.code} ${result.message}`)
    expect(result.webhook.provider).toBe(v.provider)
    expect(new TextDecoder().decode(result.webhook.rawBody)).toBe(v.body)
    if (v.event !== undefined) expect(result.webhook.event).toBe(v.event)
    if (v.deliveryId !== undefined) expect(result.webhook.deliveryId).toBe(v.deliveryId)
    expect(result.webhook.bodyAuthenticated).toBe(v.bodyAuthenticated ?? true)
    expect(result.webhook.secretIndex).toBe(0)
  })

  it.each(all.filter((v) => !v.valid).map((v) => [v.id, v] as const))('%s is rejected with its code', async (_id, v) => {
    const result = await run(api, v)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.code).toBe(v.expectCode)
  })

  it.each(all.filter((v) => v.valid).map((v) => [v.id, v] as const))('%s fails with the wrong secret', async (_id, v) => {
    const result = await run(api, v, { secret: otherSecret(v) })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.code).toBe('SIGNATURE_MISMATCH')
  })

  it.each(all.filter((v) => v.valid && v.body !== '' && v.bodyAuthenticated !== false).map((v) => [v.id, v] as const))(
    '%s fails with one body byte changed',
    async (_id, v) => {
      const body = new TextEncoder().encode(v.body)
      body[Math.floor(body.length / 2)] = (body[Math.floor(body.length / 2)] as number) ^ 0x01
      const result = await api.check(
        { body, headers: v.headers, method: v.method, url: v.url },
        { provider: v.provider as 'github', secret: v.secret, now: () => v.now, ...v.options },
      )
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.code).toBe('SIGNATURE_MISMATCH')
    },
  )

  it.each(all.filter((v) => v.valid).map((v) => [v.id, v] as const))(
    '%s is accepted as the previous secret of a rotation',
    async (_id, v) => {
      const result = await run(api, v, { secret: undefined, secrets: [otherSecret(v), v.secret] })
      expect(result.ok && result.webhook.secretIndex).toBe(1)
    },
  )

  it('an UP42 delivery whose signature skips the body is accepted only as bodyAuthenticated: false, even when changed', async () => {
    const v = all.find((x) => x.id === 'up42-date-only-unsigned-body') as Vector
    const result = await api.check(
      { body: v.body.replace('SUCCEEDED', 'FAILED!!!'), headers: v.headers },
      { provider: 'up42', secret: v.secret, now: () => v.now, allowUnsignedBody: true },
    )
    expect(result.ok && result.webhook.bodyAuthenticated).toBe(false)
  })

  it('parses payloads after verification: JSON, Orchest form fields as JSON, empty GET body', async () => {
    const get = (id: string) => all.find((v) => v.id === id) as Vector
    const json = await run(api, get('orchest-ping-json'))
    expect(json.ok && json.webhook.payload).toMatchObject({ event: { type: 'ping' }, delivered_for: { verify_ssl: false } })
    const form = await run(api, get('orchest-ping-form'))
    expect(form.ok && form.webhook.payload).toMatchObject({
      event: { type: 'ping', timestamp: '2022-06-02 16:12:25.242592+00:00' },
      delivered_for: { content_type: 'application/x-www-form-urlencoded' },
    })
    const nonAscii = await run(api, get('orchest-non-ascii-json'))
    expect(nonAscii.ok && nonAscii.webhook.payload).toMatchObject({ event: { project: { name: 'Données €' } } })
    const dcGet = await run(api, get('designer-cloud-get'))
    expect(dcGet.ok && dcGet.webhook.payload).toBeUndefined()
    expect(dcGet.ok && dcGet.webhook.timestamp).toBe(1_700_000_000_000)
  })
})

describe.each(backends)('sign() reproduces the vectors byte for byte (%s)', (_name, api) => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['github-published', {}],
    ['y42-json', {}],
    ['orchest-ping-json', { id: '0b8d5c8e-7a51-4a57-9d36-6c1b7f3c2e10', event: 'ping' }],
    ['orchest-ping-legacy-header', { legacyHeader: true }],
    ['orchest-ping-form', { event: 'ping' }],
    ['designer-cloud-post', {}],
    ['designer-cloud-get', {}],
    ['standard-webhooks-published', { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek' }],
    ['up42-content-digest', {}],
    ['up42-legacy-digest', { digest: 'legacy' }],
    ['xplenty-hmac-sha1', { hash: 'SHA-1' }],
    ['xplenty-hmac-sha256', { hash: 'SHA-256' }],
    ['xplenty-sha1-metadata', { event: 'job.completed', xplentyMetadata: { hookId: 1, url: 'http://my.service.com/notifications' } }],
    [
      'xplenty-sha1-metadata-separator',
      { event: 'job.completed', xplentyMetadata: { hookId: 1, url: 'http://my.service.com/notifications', separator: '|' } },
    ],
    // a vector that names its sign inputs joins without an edit here
    ...all.filter((v) => v.sign !== undefined).map((v) => [v.id, v.sign as Record<string, unknown>] as [string, Record<string, unknown>]),
  ]
  it.each(cases)('%s', async (id, extra) => {
    const v = all.find((x) => x.id === id) as Vector
    const headers = await api.sign(v.provider as 'github', {
      secret: v.secret,
      body: v.body,
      now: v.now,
      method: v.method,
      url: v.url,
      ...extra,
    })
    const lower = Object.fromEntries(Object.entries(v.headers).map(([k, x]) => [k.toLowerCase(), x]))
    for (const [name, value] of Object.entries(headers)) {
      if (lower[name.toLowerCase()] !== undefined) expect(`${name}: ${value}`).toBe(`${name}: ${lower[name.toLowerCase()]}`)
    }
    // every signature header of the vector is produced
    for (const name of Object.values(providers).flatMap((p) => p.signatureHeaders)) {
      if (lower[name] !== undefined) expect(Object.keys(headers).map((k) => k.toLowerCase())).toContain(name)
    }
  })
})
