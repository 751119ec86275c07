import { expect, it } from 'vitest'
import { delivery, PROVIDERS, SECRETS } from './deliveries.js'
import { type AdapterFixture, listen, receiver, send } from './fixture.js'

/** Registers one accepted delivery per provider, detection among several, URL-signed GETs, forms and secret rotation. */
export function providerTests(fixture: AdapterFixture): void {
  it.each(PROVIDERS)(
    'verifyWebhook() accepts a valid %s delivery and hands the payload and the raw bytes to the handler',
    async (provider) => {
      const { app, calls } = receiver(fixture, { provider, secret: SECRETS[provider] })
      const d = await delivery(provider)
      const res = await send(app, d)
      expect(res.status).toBe(200)
      expect(calls).toHaveLength(1)
      const call = calls[0]
      expect(call?.body).toEqual(d.payload)
      expect(call?.webhook?.provider).toBe(provider)
      expect(call?.webhook?.payload).toEqual(d.payload)
      expect(Buffer.isBuffer(call?.webhook?.rawBody)).toBe(true)
      expect(Buffer.from(call?.webhook?.rawBody ?? []).toString('utf8')).toBe(d.body)
    },
  )

  it('verifyWebhook() with several providers detects each one by its headers', async () => {
    const { app, calls } = receiver(fixture, {
      providers: PROVIDERS.map((provider) => ({ provider, secret: SECRETS[provider] })),
    })
    for (const provider of PROVIDERS) {
      const res = await send(app, await delivery(provider))
      expect(res.status, provider).toBe(200)
    }
    expect(calls.map((c) => c.webhook?.provider)).toEqual(PROVIDERS)
  })

  it('verifyWebhook() accepts a designer-cloud GET whose signature covers the full URL as received', async () => {
    const { app, calls } = receiver(fixture, { provider: 'designer-cloud', secret: SECRETS['designer-cloud'] })
    const server = await listen(app)
    try {
      const d = await delivery('designer-cloud', { method: 'GET', url: `${server.origin}/hook?jobId=5263842&jobStatus=Complete` })
      const res = await send(server.server, d, '/hook?jobId=5263842&jobStatus=Complete')
      expect(res.status).toBe(200)
      expect(calls).toHaveLength(1)
      const other = await send(server.server, d, '/hook?jobId=1&jobStatus=Complete')
      expect(other.status).toBe(401)
      expect(other.body.code).toBe('SIGNATURE_MISMATCH')
    } finally {
      await server.close()
    }
  })

  it('verifyWebhook() accepts an orchest form-urlencoded delivery and decodes each JSON field', async () => {
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret: SECRETS.orchest })
    const body = 'delivered_for=%7B%22name%22%3A+%22hook%22%7D&event=%7B%22type%22%3A+%22ping%22%7D'
    const d = await delivery('orchest', { body, contentType: 'application/x-www-form-urlencoded' })
    const res = await send(app, d)
    expect(res.status).toBe(200)
    expect(calls[0]?.body).toEqual({ delivered_for: { name: 'hook' }, event: { type: 'ping' } })
  })

  it('verifyWebhook() with secrets [current, previous] accepts a delivery signed with the previous one and reports secretIndex 1', async () => {
    const { app, calls } = receiver(fixture, { provider: 'orchest', secrets: ['new-secret', SECRETS.orchest] })
    const res = await send(app, await delivery('orchest'))
    expect(res.status).toBe(200)
    expect(calls[0]?.webhook?.secretIndex).toBe(1)
  })
}
