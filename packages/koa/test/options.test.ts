import { MemoryReplayStore, WebhookVerificationError } from '@hookproof/core'
import { describe, expect, it } from 'vitest'
import { delivery, optionTests, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { verifyWebhook, type WebhookState } from '../src/index.js'
import { KOA } from './app.js'

describe.each(KOA)('%s', (_name, Koa, fixture) => {
  optionTests(
    fixture,
    {
      on: 'when app.proxy is true',
      off: 'when app.proxy is false',
      trust: (a) => {
        a.proxy = true
      },
    },
    true,
  )

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
      const res = await send(app.callback(), { ...d, body: `${d.body} ` })
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
      const res = await send(app.callback(), { ...d, headers: { 'content-type': 'application/json' } })
      expect(res.status).toBe(401)
      expect(res.text).toContain('X-Hub-Signature')
      expect(logged).toHaveLength(1)
      expect((logged[0] as { expose?: boolean }).expose).toBe(true)
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
    const res = await send(app.callback(), d)
    expect(res.status).toBe(200)
    expect(res.body.same).toBe(true)
    expect(jobId).toBe('job-77')
  })
})
