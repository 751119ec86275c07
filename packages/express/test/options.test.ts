import { MemoryReplayStore, WebhookVerificationError } from '@hookproof/core'
import { describe, expect, it } from 'vitest'
import { delivery, optionTests, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { verifyWebhook, type WebhookRequest } from '../src/index.js'
import { EXPRESS } from './app.js'

describe.each(EXPRESS)('%s', (_name, express, fixture) => {
  optionTests(
    fixture,
    {
      on: "when 'trust proxy' is on",
      off: "when 'trust proxy' is off",
      trust: (a) => a.set('trust proxy', true),
    },
    true,
  )

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
