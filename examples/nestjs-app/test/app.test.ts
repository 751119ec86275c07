import { type ProviderName, sign } from '@hookproof/core'
import { conformance, MOCK_PROVIDERS } from '@hookproof/mock-sender'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_SECRETS, PROVIDER_NAMES, start } from '../src/app.js'

describe.each(['express', 'fastify'] as const)('examples/nestjs-app on the %s platform', (platform) => {
  let app: Awaited<ReturnType<typeof start>>
  const lines: string[] = []

  beforeAll(async () => {
    app = await start(0, { platform, log: (line) => lines.push(line) })
  })
  afterAll(async () => {
    await app.close()
  })

  async function deliver(provider: ProviderName, id: string, body = JSON.stringify({ messageId: id, event: 'job.status', id })) {
    const headers = await sign(provider, { secret: DEMO_SECRETS[provider], body, id, event: 'ping' })
    return fetch(`${app.url}/webhooks/${provider}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body })
  }

  it.each(PROVIDER_NAMES)('accepts a %s delivery signed with the demo secret, logs it and lists it at GET /events', async (provider) => {
    const res = await deliver(provider, `example-${provider}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ received: true })
    const events = (await (await fetch(`${app.url}/events`)).json()) as Array<{ provider: string }>
    expect(events.some((e) => e.provider === provider)).toBe(true)
    expect(lines.some((l) => l.startsWith(`[nestjs-${platform}] ${provider} `))).toBe(true)
  })

  it('GET /events/count counts a delivery sent twice once, by deliveryId', async () => {
    expect((await deliver('orchest', 'counted-once')).status).toBe(200)
    const again = await deliver('orchest', 'counted-once')
    expect(again.status).toBe(200)
    expect(((await again.json()) as { code: string }).code).toBe('DUPLICATE_DELIVERY')
    const count = (await (await fetch(`${app.url}/events/count?deliveryId=counted-once`)).json()) as { count: number }
    expect(count).toEqual({ count: 1 })
  })

  it('rejects a delivery signed with another secret with 401 SIGNATURE_MISMATCH as problem+json and logs the code', async () => {
    const body = '{"event":"ping"}'
    const headers = await sign('y42', { secret: 'not-the-demo-secret', body })
    const res = await fetch(`${app.url}/webhooks/y42`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(((await res.json()) as { code: string }).code).toBe('SIGNATURE_MISMATCH')
    expect(lines).toContain(`[nestjs-${platform}] rejected y42 SIGNATURE_MISMATCH (401)`)
  })

  it.each(MOCK_PROVIDERS)('passes the mock sender conformance check for %s (every fault, duplicates counted once)', async (provider) => {
    const report = await conformance(`${app.url}/webhooks/${provider}`, {
      provider,
      secret: DEMO_SECRETS[provider],
      counterUrl: `${app.url}/events/count?provider=${provider}`,
    })
    expect(report.cases.filter((c) => !c.ok).map((c) => c.name)).toEqual([])
    expect(report.ok).toBe(true)
  })
})
