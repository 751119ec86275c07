import { type ProviderName, sign } from '@hookproof/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_SECRETS, PROVIDER_NAMES, start } from '../src/app.js'

let app: Awaited<ReturnType<typeof start>>
const lines: string[] = []

beforeAll(async () => {
  app = await start(0, { log: (line) => lines.push(line) })
})
afterAll(async () => {
  await app.close()
})

async function deliver(provider: ProviderName, id: string, body = JSON.stringify({ messageId: id, event: 'job.status', id })) {
  const headers = await sign(provider, { secret: DEMO_SECRETS[provider], body, id, event: 'ping' })
  return fetch(`${app.url}/webhooks/${provider}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body })
}

describe('examples/hono-app', () => {
  it.each(PROVIDER_NAMES)('accepts a %s delivery signed with the demo secret, logs it and lists it at GET /events', async (provider) => {
    const res = await deliver(provider, `example-${provider}`)
    expect(res.status).toBe(200)
    const events = (await (await fetch(`${app.url}/events`)).json()) as Array<{ provider: string }>
    expect(events.some((e) => e.provider === provider)).toBe(true)
    expect(lines.some((l) => l.startsWith(`[hono] ${provider} `))).toBe(true)
  })

  it('GET /events/count counts a delivery sent twice once, by deliveryId', async () => {
    expect((await deliver('orchest', 'counted-once')).status).toBe(200)
    const again = await deliver('orchest', 'counted-once')
    expect(again.status).toBe(200)
    expect(((await again.json()) as { code: string }).code).toBe('DUPLICATE_DELIVERY')
    const count = (await (await fetch(`${app.url}/events/count?deliveryId=counted-once`)).json()) as { count: number }
    expect(count).toEqual({ count: 1 })
  })

  it('rejects a delivery signed with another secret with 401 SIGNATURE_MISMATCH and logs the code', async () => {
    const body = '{"event":"ping"}'
    const headers = await sign('y42', { secret: 'not-the-demo-secret', body })
    const res = await fetch(`${app.url}/webhooks/y42`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect(lines).toContain('[hono] rejected y42 SIGNATURE_MISMATCH (401)')
  })
})

describe('examples/hono-app through the mock sender', () => {
  it('passes conformance for orchest: every fault gets its answer and a duplicate runs once', async () => {
    const { conformance } = await import('@hookproof/mock-sender')
    const report = await conformance(`${app.url}/webhooks/orchest`, {
      provider: 'orchest',
      secret: DEMO_SECRETS.orchest,
      counterUrl: `${app.url}/events/count`,
    })
    expect(report.cases.filter((c) => !c.ok).map((c) => c.name)).toEqual([])
    expect(report.counted).toBe(true)
    expect(report.cases.length).toBeGreaterThan(5)
  })
})
