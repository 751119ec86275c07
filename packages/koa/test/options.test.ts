import { EventEmitter } from 'node:events'
import { MemoryReplayStore, type WebhookEvent, WebhookVerificationError } from '@hookproof/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { verifyWebhook, type WebhookState } from '../src/index.js'
import { KOA, listen, receiver, send } from './app.js'
import { delivery, SECRETS } from './deliveries.js'

const ENV_NAMES = ['Y42', 'UP42', 'ORCHEST', 'DESIGNER_CLOUD', 'XPLENTY', 'GITHUB']
  .map((n) => `${n}_WEBHOOK_SECRET`)
  .concat('STANDARD_WEBHOOKS_SECRET')

function clearEnv() {
  for (const name of ENV_NAMES) vi.stubEnv(name, '')
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe.each(KOA)('%s', (_name, Koa) => {
  describe('zero-argument form', () => {
    it('verifyWebhook() with no options reads ORCHEST_WEBHOOK_SECRET and GITHUB_WEBHOOK_SECRET and detects each sender', async () => {
      clearEnv()
      vi.stubEnv('ORCHEST_WEBHOOK_SECRET', SECRETS.orchest)
      vi.stubEnv('GITHUB_WEBHOOK_SECRET', SECRETS.github)
      const app = new Koa()
      const seen: string[] = []
      app.use(verifyWebhook())
      app.use((ctx) => {
        seen.push(ctx.state.webhook?.provider ?? '')
        ctx.status = 204
      })
      expect((await send(app, await delivery('orchest'))).status).toBe(204)
      expect((await send(app, await delivery('github'))).status).toBe(204)
      expect((await send(app, await delivery('y42'))).status).toBe(401)
      expect(seen).toEqual(['orchest', 'github'])
    })

    it('verifyWebhook() with no options and no secret in the environment throws a TypeError at startup', () => {
      clearEnv()
      expect(() => verifyWebhook()).toThrow(TypeError)
      expect(() => verifyWebhook()).toThrow(/ORCHEST_WEBHOOK_SECRET/)
    })

    it('verifyWebhook() with an unknown provider throws a TypeError at startup, not per request', () => {
      expect(() => verifyWebhook({ provider: 'stripe' as 'y42', secret: 'x' })).toThrow(TypeError)
    })
  })

  describe('onError', () => {
    it("verifyWebhook({ onError: 'next' }) throws a WebhookVerificationError to the app's error middleware", async () => {
      const app = new Koa()
      const errors: unknown[] = []
      app.use(async (ctx, next) => {
        try {
          await next()
        } catch (error) {
          errors.push(error)
          const e = error as WebhookVerificationError
          ctx.status = e.status
          ctx.body = { mine: true, code: e.code }
        }
      })
      app.use(verifyWebhook({ provider: 'orchest', secret: SECRETS.orchest, onError: 'next' }))
      app.use((ctx) => {
        ctx.status = 200
      })
      const d = await delivery('orchest')
      const res = await send(app, { ...d, body: `${d.body} ` })
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ mine: true, code: 'SIGNATURE_MISMATCH' })
      expect(errors[0]).toBeInstanceOf(WebhookVerificationError)
    })

    it("verifyWebhook({ onError: 'next' }) without an error middleware lets Koa answer with the error's status and message", async () => {
      const app = new Koa()
      const logged: unknown[] = []
      app.on('error', (error) => logged.push(error))
      app.use(verifyWebhook({ provider: 'orchest', secret: SECRETS.orchest, onError: 'next' }))
      const d = await delivery('orchest')
      const res = await send(app, { ...d, headers: { 'content-type': 'application/json' } })
      expect(res.status).toBe(401)
      expect(res.text).toContain('X-Hub-Signature')
      expect(logged).toHaveLength(1)
      expect((logged[0] as { expose?: boolean }).expose).toBe(true)
    })

    it("verifyWebhook({ onError: 'next' }) still acknowledges a processed duplicate with 200 itself", async () => {
      const { app, calls } = receiver(Koa, { provider: 'orchest', secret: SECRETS.orchest, onError: 'next' })
      const d = await delivery('orchest')
      await send(app, d)
      const again = await send(app, d)
      expect(again.status).toBe(200)
      expect(again.body.code).toBe('DUPLICATE_DELIVERY')
      expect(calls).toHaveLength(1)
    })
  })

  describe('events', () => {
    it('verifyWebhook({ onEvent }) reports verified, duplicate and rejected with provider, code and timing but no secret', async () => {
      const events: WebhookEvent[] = []
      const { app } = receiver(Koa, { provider: 'orchest', secret: SECRETS.orchest, onEvent: (e) => events.push(e) })
      const d = await delivery('orchest')
      await send(app, d)
      await send(app, d)
      await send(app, { ...d, body: `${d.body} ` })
      expect(events.map((e) => [e.type, e.provider, e.code, e.status])).toEqual([
        ['verified', 'orchest', undefined, 200],
        ['duplicate', 'orchest', 'DUPLICATE_DELIVERY', 200],
        ['rejected', 'orchest', 'SIGNATURE_MISMATCH', 401],
      ])
      for (const e of events) expect(e.durationMs).toBeGreaterThanOrEqual(0)
      expect(JSON.stringify(events)).not.toContain(SECRETS.orchest)
      expect(JSON.stringify(events)).not.toContain(d.headers['X-Hub-Signature'])
    })

    it('verifyWebhook().on(type, listener) subscribes to verified, duplicate and rejected events', async () => {
      const app = new Koa()
      const webhooks = verifyWebhook({ provider: 'orchest', secret: SECRETS.orchest })
      app.use(webhooks)
      app.use((ctx) => {
        ctx.status = 200
      })
      const seen: string[] = []
      for (const type of ['verified', 'rejected', 'duplicate'] as const)
        webhooks.on(type, (e) => seen.push(`${e.type}:${e.code ?? e.status}`))
      const d = await delivery('orchest')
      await send(app, d)
      await send(app, d)
      await send(app, { ...d, body: `${d.body} ` })
      expect(seen).toEqual(['verified:200', 'duplicate:DUPLICATE_DELIVERY', 'rejected:SIGNATURE_MISMATCH'])
    })

    it('verifyWebhook({ emitter }) emits each event by name on a Node EventEmitter', async () => {
      const emitter = new EventEmitter()
      const names: string[] = []
      for (const name of ['verified', 'rejected', 'duplicate']) emitter.on(name, () => names.push(name))
      const { app } = receiver(Koa, { provider: 'orchest', secret: SECRETS.orchest, emitter })
      const d = await delivery('orchest')
      await send(app, d)
      await send(app, d)
      await send(app, { ...d, headers: { 'content-type': 'application/json' } })
      expect(names).toEqual(['verified', 'duplicate', 'rejected'])
    })
  })

  describe('designer-cloud URLs behind a proxy', () => {
    const path = '/hook?jobId=5263842&jobStatus=Failed'
    const publicUrl = `https://hooks.example.com${path}`
    const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'hooks.example.com' }

    it('verifyWebhook() rebuilds the signed URL from X-Forwarded-Proto and -Host when app.proxy is true', async () => {
      const { app, calls } = receiver(Koa, { provider: 'designer-cloud', secret: SECRETS['designer-cloud'] }, undefined, (a) => {
        a.proxy = true
      })
      const d = await delivery('designer-cloud', { method: 'DELETE', url: publicUrl })
      const res = await send(app, { ...d, headers: { ...d.headers, ...forwarded } }, path)
      expect(res.status).toBe(200)
      expect(calls).toHaveLength(1)
    })

    it('verifyWebhook() ignores X-Forwarded-Host when app.proxy is false and answers 401 SIGNATURE_MISMATCH', async () => {
      const { app, calls } = receiver(Koa, { provider: 'designer-cloud', secret: SECRETS['designer-cloud'] })
      const d = await delivery('designer-cloud', { method: 'DELETE', url: publicUrl })
      const res = await send(app, { ...d, headers: { ...d.headers, ...forwarded } }, path)
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('SIGNATURE_MISMATCH')
      expect(calls).toHaveLength(0)
    })

    it('verifyWebhook({ publicUrl }) verifies a GET against the configured public base URL', async () => {
      const { app } = receiver(Koa, {
        provider: 'designer-cloud',
        secret: SECRETS['designer-cloud'],
        publicUrl: 'https://hooks.example.com/',
      })
      const d = await delivery('designer-cloud', { method: 'GET', url: publicUrl })
      expect((await send(app, d, path)).status).toBe(200)
    })

    it('verifyWebhook({ publicUrl: fn }) verifies a GET against the URL the function returns', async () => {
      const { app } = receiver(Koa, {
        provider: 'designer-cloud',
        secret: SECRETS['designer-cloud'],
        publicUrl: (ctx) => `https://hooks.example.com${ctx.originalUrl}`,
      })
      const d = await delivery('designer-cloud', { method: 'GET', url: publicUrl })
      expect((await send(app, d, path)).status).toBe(200)
    })

    it('verifyWebhook() on a plain server signs the URL with the Host header it was called with', async () => {
      const { app } = receiver(Koa, { provider: 'designer-cloud', secret: SECRETS['designer-cloud'] })
      const server = await listen(app)
      try {
        const d = await delivery('designer-cloud', { method: 'GET', url: `${server.origin}${path}` })
        expect((await send(server.server, d, path)).status).toBe(200)
      } finally {
        await server.close()
      }
    })
  })

  it('verifyWebhook() types ctx.state.webhook and ctx.request.body for the next middleware', async () => {
    const app = new Koa<WebhookState<{ jobId: string }>>()
    let jobId = ''
    app.use(verifyWebhook({ provider: 'designer-cloud', secret: SECRETS['designer-cloud'], replayStore: new MemoryReplayStore() }))
    app.use((ctx) => {
      jobId = ctx.state.webhook.payload.jobId
      ctx.body = { deliveryId: ctx.state.webhook.deliveryId ?? null, same: ctx.request.body === ctx.state.webhook.payload }
    })
    const d = await delivery('designer-cloud', { id: 'job-77' })
    const res = await send(app, d)
    expect(res.status).toBe(200)
    expect(res.body.same).toBe(true)
    expect(jobId).toBe('job-77')
  })
})
