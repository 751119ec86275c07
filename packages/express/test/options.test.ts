import { EventEmitter } from 'node:events'
import { MemoryReplayStore, type WebhookEvent, WebhookVerificationError } from '@hookproof/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { verifyWebhook, type WebhookRequest } from '../src/index.js'
import { EXPRESS, listen, receiver, send } from './app.js'
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

describe.each(EXPRESS)('%s', (_name, express) => {
  describe('zero-argument form', () => {
    it('verifyWebhook() with no options reads ORCHEST_WEBHOOK_SECRET and GITHUB_WEBHOOK_SECRET and detects each sender', async () => {
      clearEnv()
      vi.stubEnv('ORCHEST_WEBHOOK_SECRET', SECRETS.orchest)
      vi.stubEnv('GITHUB_WEBHOOK_SECRET', SECRETS.github)
      const app = express()
      const seen: string[] = []
      app.post('/hook', verifyWebhook(), (req, res) => {
        seen.push(req.webhook?.provider ?? '')
        res.sendStatus(204)
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
    it("verifyWebhook({ onError: 'next' }) hands a WebhookVerificationError to the app's error handler", async () => {
      const app = express()
      const errors: unknown[] = []
      app.post('/hook', verifyWebhook({ provider: 'orchest', secret: SECRETS.orchest, onError: 'next' }), (_req, res) => {
        res.sendStatus(200)
      })
      app.use((error: unknown, _req: unknown, res: { status(n: number): { json(v: unknown): void } }, _next: unknown) => {
        errors.push(error)
        const e = error as WebhookVerificationError
        res.status(e.status).json({ mine: true, code: e.code })
      })
      const d = await delivery('orchest')
      const res = await send(app, { ...d, body: `${d.body} ` })
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ mine: true, code: 'SIGNATURE_MISMATCH' })
      expect(errors[0]).toBeInstanceOf(WebhookVerificationError)
    })

    it("verifyWebhook({ onError: 'next' }) still acknowledges a processed duplicate with 200 itself", async () => {
      const { app, calls } = receiver(express, { provider: 'orchest', secret: SECRETS.orchest, onError: 'next' })
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
      const { app } = receiver(express, { provider: 'orchest', secret: SECRETS.orchest, onEvent: (e) => events.push(e) })
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
      const app = express()
      const webhooks = verifyWebhook({ provider: 'orchest', secret: SECRETS.orchest })
      app.post('/hook', webhooks, (_req, res) => {
        res.sendStatus(200)
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
      const { app } = receiver(express, { provider: 'orchest', secret: SECRETS.orchest, emitter })
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

    it("verifyWebhook() rebuilds the signed URL from X-Forwarded-Proto and -Host when 'trust proxy' is on", async () => {
      const { app, calls } = receiver(express, { provider: 'designer-cloud', secret: SECRETS['designer-cloud'] }, undefined, (a) =>
        a.set('trust proxy', true),
      )
      const d = await delivery('designer-cloud', { method: 'DELETE', url: publicUrl })
      const res = await send(app, { ...d, headers: { ...d.headers, ...forwarded } }, path)
      expect(res.status).toBe(200)
      expect(calls).toHaveLength(1)
    })

    it("verifyWebhook() ignores X-Forwarded-Host when 'trust proxy' is off and answers 401 SIGNATURE_MISMATCH", async () => {
      const { app, calls } = receiver(express, { provider: 'designer-cloud', secret: SECRETS['designer-cloud'] })
      const d = await delivery('designer-cloud', { method: 'DELETE', url: publicUrl })
      const res = await send(app, { ...d, headers: { ...d.headers, ...forwarded } }, path)
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('SIGNATURE_MISMATCH')
      expect(calls).toHaveLength(0)
    })

    it('verifyWebhook({ publicUrl }) verifies a GET against the configured public base URL', async () => {
      const { app } = receiver(express, {
        provider: 'designer-cloud',
        secret: SECRETS['designer-cloud'],
        publicUrl: 'https://hooks.example.com/',
      })
      const d = await delivery('designer-cloud', { method: 'GET', url: publicUrl })
      expect((await send(app, d, path)).status).toBe(200)
    })

    it('verifyWebhook({ publicUrl: fn }) verifies a GET against the URL the function returns', async () => {
      const { app } = receiver(express, {
        provider: 'designer-cloud',
        secret: SECRETS['designer-cloud'],
        publicUrl: (req) => `https://hooks.example.com${req.originalUrl}`,
      })
      const d = await delivery('designer-cloud', { method: 'GET', url: publicUrl })
      expect((await send(app, d, path)).status).toBe(200)
    })

    it('verifyWebhook() on a plain server signs the URL with the Host header it was called with', async () => {
      const { app } = receiver(express, { provider: 'designer-cloud', secret: SECRETS['designer-cloud'] })
      const server = await listen(app)
      try {
        const d = await delivery('designer-cloud', { method: 'GET', url: `${server.origin}${path}` })
        expect((await send(server.server, d, path)).status).toBe(200)
      } finally {
        await server.close()
      }
    })
  })

  it('verifyWebhook() types req.webhook and req.body for the handler', async () => {
    const app = express()
    let jobId = ''
    app.post(
      '/hook',
      verifyWebhook({ provider: 'designer-cloud', secret: SECRETS['designer-cloud'], replayStore: new MemoryReplayStore() }),
      (req, res) => {
        const typed = req as WebhookRequest<{ jobId: string }>
        jobId = typed.body.jobId
        res.status(200).json({ deliveryId: typed.webhook.deliveryId ?? null })
      },
    )
    const d = await delivery('designer-cloud', { id: 'job-77' })
    expect((await send(app, d)).status).toBe(200)
    expect(jobId).toBe('job-77')
  })
})
