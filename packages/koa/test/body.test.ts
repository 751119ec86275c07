import { bodyParser } from '@koa/bodyparser'
import { describe, expect, it } from 'vitest'
import { delivery, limitsAndBrokenRequests, receiver, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { KOA } from './app.js'

const secret = SECRETS.orchest

describe.each(KOA)('%s', (_name, Koa, fixture) => {
  describe('body parsers', () => {
    it('verifyWebhook() after @koa/bodyparser answers 500 BODY_ALREADY_PARSED and names the fix', async () => {
      const { app, calls } = receiver(fixture, { provider: 'orchest', secret }, undefined, (a) => a.use(bodyParser()))
      const res = await send(app, await delivery('orchest'))
      expect(res.status).toBe(500)
      expect(res.body.code).toBe('BODY_ALREADY_PARSED')
      expect(res.body.detail).toContain('@koa/bodyparser')
      expect(calls).toHaveLength(0)
    })

    it("verifyWebhook() after @koa/bodyparser with enableTypes ['text'] answers 500 BODY_ALREADY_PARSED", async () => {
      const { app, calls } = receiver(fixture, { provider: 'github', secret: SECRETS.github }, undefined, (a) =>
        a.use(bodyParser({ enableTypes: ['text'] })),
      )
      const res = await send(app, await delivery('github', { body: 'plain text', contentType: 'text/plain' }))
      expect(res.status).toBe(500)
      expect(res.body.code).toBe('BODY_ALREADY_PARSED')
      expect(calls).toHaveLength(0)
    })

    it('verifyWebhook() after @koa/bodyparser on an orchest form delivery answers 500 BODY_ALREADY_PARSED', async () => {
      const { app } = receiver(fixture, { provider: 'orchest', secret }, undefined, (a) => a.use(bodyParser()))
      const d = await delivery('orchest', {
        body: 'event=%7B%22type%22%3A+%22ping%22%7D',
        contentType: 'application/x-www-form-urlencoded',
      })
      const res = await send(app, d)
      expect(res.status).toBe(500)
      expect(res.body.code).toBe('BODY_ALREADY_PARSED')
    })

    it('verifyWebhook() after a @koa/bodyparser that skipped the content type still reads the untouched stream', async () => {
      const { app, calls } = receiver(fixture, { provider: 'github', secret: SECRETS.github }, undefined, (a) => a.use(bodyParser()))
      const res = await send(app, await delivery('github', { body: 'plain text', contentType: 'text/plain' }))
      expect(res.status).toBe(200)
      expect(calls[0]?.body).toBe('plain text')
    })

    it('verifyWebhook() after a middleware that left a Buffer in ctx.request.body verifies that Buffer', async () => {
      const d = await delivery('orchest')
      const { app, calls } = receiver(fixture, { provider: 'orchest', secret }, undefined, (a) =>
        a.use(async (ctx, next) => {
          const chunks: Buffer[] = []
          for await (const chunk of ctx.req) chunks.push(chunk as Buffer)
          ctx.request.body = Buffer.concat(chunks)
          await next()
        }),
      )
      const res = await send(app, d)
      expect(res.status).toBe(200)
      expect(calls[0]?.body).toEqual(d.payload)
    })

    it('verifyWebhook() before @koa/bodyparser keeps the verified payload in ctx.request.body and the raw bytes as a Buffer', async () => {
      const app = new Koa()
      const { verifyWebhook } = await import('../src/index.js')
      const seen: unknown[] = []
      app.use(verifyWebhook({ provider: 'orchest', secret }))
      app.use(bodyParser())
      app.use((ctx) => {
        seen.push(ctx.request.body, Buffer.isBuffer(ctx.state.webhook?.rawBody))
        ctx.status = 204
      })
      const d = await delivery('orchest')
      const res = await send(app.callback(), d)
      expect(res.status).toBe(204)
      expect(seen).toEqual([d.payload, true])
    })

    it('verifyWebhook() before @koa/bodyparser passes an empty verified GET through without a parser error', async () => {
      const app = new Koa()
      app.silent = true
      const { verifyWebhook } = await import('../src/index.js')
      app.use(verifyWebhook({ provider: 'designer-cloud', secret: SECRETS['designer-cloud'], publicUrl: 'https://hooks.example.com' }))
      app.use(bodyParser({ parsedMethods: ['GET', 'POST'] }))
      app.use((ctx) => {
        ctx.status = 204
      })
      const d = await delivery('designer-cloud', { method: 'GET', url: 'https://hooks.example.com/hook' })
      expect((await send(app.callback(), d)).status).toBe(204)
    })
  })

  limitsAndBrokenRequests(fixture)
})
