import { describe, expect, it } from 'vitest'
import { delivery, limitsAndBrokenRequests, receiver, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { EXPRESS } from './app.js'

const secret = SECRETS.orchest

describe.each(EXPRESS)('%s', (_name, express, fixture) => {
  describe('body parsers', () => {
    it('verifyWebhook() after express.raw() verifies the Buffer it left', async () => {
      const { app, calls } = receiver(fixture, { provider: 'orchest', secret }, undefined, (a) => a.use(express.raw({ type: '*/*' })))
      const d = await delivery('orchest')
      const res = await send(app, d)
      expect(res.status).toBe(200)
      expect(calls[0]?.body).toEqual(d.payload)
      expect(Buffer.isBuffer(calls[0]?.webhook?.rawBody)).toBe(true)
    })

    it('verifyWebhook() after express.text() answers 500 BODY_ALREADY_PARSED', async () => {
      const { app, calls } = receiver(fixture, { provider: 'orchest', secret }, undefined, (a) => a.use(express.text({ type: '*/*' })))
      const res = await send(app, await delivery('orchest'))
      expect(res.status).toBe(500)
      expect(res.body.code).toBe('BODY_ALREADY_PARSED')
      expect(calls).toHaveLength(0)
    })

    it('verifyWebhook() after express.urlencoded() on an orchest form delivery answers 500 BODY_ALREADY_PARSED', async () => {
      const { app } = receiver(fixture, { provider: 'orchest', secret }, undefined, (a) => a.use(express.urlencoded({ extended: false })))
      const d = await delivery('orchest', {
        body: 'event=%7B%22type%22%3A+%22ping%22%7D',
        contentType: 'application/x-www-form-urlencoded',
      })
      const res = await send(app, d)
      expect(res.status).toBe(500)
      expect(res.body.code).toBe('BODY_ALREADY_PARSED')
    })

    it('verifyWebhook() after an express.json() that skipped the content type still reads the untouched stream', async () => {
      const { app, calls } = receiver(fixture, { provider: 'github', secret: SECRETS.github }, undefined, (a) => a.use(express.json()))
      const d = await delivery('github', { body: 'plain text', contentType: 'text/plain' })
      const res = await send(app, d)
      expect(res.status).toBe(200)
      expect(calls[0]?.body).toBe('plain text')
    })

    it('verifyWebhook() before express.json() keeps the verified payload in req.body', async () => {
      const app = express()
      const seen: unknown[] = []
      app.use('/hook', (await import('../src/index.js')).verifyWebhook({ provider: 'orchest', secret }))
      app.use(express.json())
      app.post('/hook', (req, res) => {
        seen.push(req.body)
        res.sendStatus(204)
      })
      const d = await delivery('orchest')
      const res = await send(app, d)
      expect(res.status).toBe(204)
      expect(seen).toEqual([d.payload])
    })
  })

  limitsAndBrokenRequests(fixture)
})
