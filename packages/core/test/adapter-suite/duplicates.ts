import { MemoryReplayStore } from '@hookproof/core'
import { expect, it, vi } from 'vitest'
import { delivery, PROVIDERS, SECRETS } from './deliveries.js'
import { type AdapterFixture, listen, receiver, send } from './fixture.js'

const secret = SECRETS.orchest

/** Registers the replay-store tests: one run per delivery, retries after a failure, leases and stores shared or not. */
export function duplicateTests(fixture: AdapterFixture): void {
  it.each(PROVIDERS.filter((p) => p !== 'xplenty'))(
    'verifyWebhook() runs the handler once for a %s delivery sent three times',
    async (provider) => {
      const { app, calls } = receiver(fixture, { provider, secret: SECRETS[provider] })
      const d = await delivery(provider)
      const statuses = [(await send(app, d)).status, (await send(app, d)).status, (await send(app, d)).status]
      expect(statuses).toEqual([200, 200, 200])
      expect(calls).toHaveLength(1)
    },
  )

  it('verifyWebhook() processes the retry of a delivery whose handler threw the first time', async () => {
    let failures = 1
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret }, (reply) => {
      if (failures-- > 0) throw new Error('database down')
      reply(200, { ok: true })
    })
    const d = await delivery('orchest')
    expect((await send(app, d)).status).toBe(500)
    expect((await send(app, d)).status).toBe(200)
    const third = await send(app, d)
    expect(third.status).toBe(200)
    expect(third.body.code).toBe('DUPLICATE_DELIVERY')
    expect(calls).toHaveLength(2)
  })

  it('verifyWebhook() processes the retry of a delivery whose handler answered 503', async () => {
    let failures = 1
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret }, (reply) => {
      reply(failures-- > 0 ? 503 : 200)
    })
    const d = await delivery('orchest')
    expect((await send(app, d)).status).toBe(503)
    expect((await send(app, d)).status).toBe(200)
    expect((await send(app, d)).body.code).toBe('DUPLICATE_DELIVERY')
    expect(calls).toHaveLength(2)
  })

  it('verifyWebhook() answers 409 with Retry-After to a duplicate that arrives while the first is being handled', async () => {
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret, leaseSeconds: 30 }, async (reply) => {
      await gate
      reply(200)
    })
    const server = await listen(app)
    try {
      const d = await delivery('orchest')
      const first = send(server.server, d).then((r) => r)
      await vi.waitFor(() => expect(calls).toHaveLength(1))
      const second = await send(server.server, d)
      expect(second.status).toBe(409)
      expect(second.headers['retry-after']).toBe('30')
      expect(second.body.code).toBe('DUPLICATE_DELIVERY')
      release()
      expect((await first).status).toBe(200)
      expect(calls).toHaveLength(1)
    } finally {
      release()
      await server.close()
    }
  })

  it('verifyWebhook() on two app instances sharing one replay store runs the handler once for a delivery sent to both', async () => {
    const replayStore = new MemoryReplayStore()
    const a = receiver(fixture, { provider: 'orchest', secret, replayStore })
    const b = receiver(fixture, { provider: 'orchest', secret, replayStore })
    const d = await delivery('orchest')
    expect((await send(a.app, d)).status).toBe(200)
    const other = await send(b.app, d)
    expect(other.status).toBe(200)
    expect(other.body.code).toBe('DUPLICATE_DELIVERY')
    expect(a.calls.length + b.calls.length).toBe(1)
  })

  it('verifyWebhook() with replayStore: false runs the handler for every repeat', async () => {
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret, replayStore: false })
    const d = await delivery('orchest')
    await send(app, d)
    await send(app, d)
    expect(calls).toHaveLength(2)
  })

  it('verifyWebhook() keeps one replay store per middleware, so two routes do not share claims', async () => {
    let handled = 0
    const app = fixture.app(
      { '/a': fixture.verifyWebhook({ provider: 'orchest', secret }), '/b': fixture.verifyWebhook({ provider: 'orchest', secret }) },
      (reply) => {
        handled++
        reply(200)
      },
    )
    const d = await delivery('orchest')
    expect((await send(app, d, '/a')).status).toBe(200)
    expect((await send(app, d, '/b')).status).toBe(200)
    expect(handled).toBe(2)
  })
}
