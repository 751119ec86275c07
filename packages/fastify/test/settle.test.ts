import type { FastifyInstance, FastifyReply } from 'fastify'
import { describe, expect, it } from 'vitest'
import { delivery, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { verifyWebhook, type WebhookEvent, WebhookVerificationError } from '../src/index.js'
import { FASTIFY, listener } from './app.js'

const secret = SECRETS.orchest
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

describe.each(FASTIFY)('%s', (_name, framework) => {
  /** One verifyWebhook scope whose `/hook` runs `route`; records events. */
  function app(route: (reply: FastifyReply, run: number) => unknown, options: object = {}) {
    const events: WebhookEvent[] = []
    let runs = 0
    const instance = framework({ logger: false }) as FastifyInstance
    instance.register(async (scope) => {
      await scope.register(verifyWebhook, { provider: 'orchest', secret, onEvent: (e) => events.push(e), ...options })
      scope.post('/hook', (_request, reply) => route(reply, ++runs))
    })
    return { target: listener(instance), events, runs: () => runs }
  }

  describe('settling', () => {
    it('an async handler that throws answers 500 and releases the claim, so the retry runs the handler again', async () => {
      const { target, events, runs } = app(async (_reply, run) => {
        if (run === 1) throw new Error('queue full')
        return { ok: true }
      })
      const d = await delivery('orchest')
      expect((await send(target, d)).status).toBe(500)
      expect((await send(target, d)).status).toBe(200)
      expect(runs()).toBe(2)
      expect(events.map((e) => [e.type, e.status, e.outcome])).toEqual([
        ['verified', 500, 'aborted'],
        ['verified', 200, 'completed'],
      ])
    })

    it('a handler answering 503 with reply.code(503).send() releases the claim', async () => {
      const { target, runs } = app(async (reply, run) => reply.code(run === 1 ? 503 : 202).send())
      const d = await delivery('orchest')
      expect((await send(target, d)).status).toBe(503)
      expect((await send(target, d)).status).toBe(202)
      expect(runs()).toBe(2)
    })

    it('a handler that answers later with reply.send holds the claim until then: a retry meanwhile gets 409, one after it 200 without a run', async () => {
      const { target, runs, events } = app((reply) => {
        setTimeout(() => reply.code(202).send({ later: true }), 300)
        return reply
      })
      const d = await delivery('orchest')
      const first = send(target, d).then((r) => r)
      await sleep(100)
      const during = await send(target, d)
      expect([during.status, during.headers['retry-after'], during.body.code]).toEqual([409, '60', 'DUPLICATE_DELIVERY'])
      expect((await first).status).toBe(202)
      const after = await send(target, d)
      expect([after.status, after.body.code]).toEqual([200, 'DUPLICATE_DELIVERY'])
      expect(runs()).toBe(1)
      expect(events.find((e) => e.type === 'verified')).toMatchObject({ status: 202, outcome: 'completed' })
    })

    it('a callback-style handler that throws synchronously answers 500 and releases the claim', async () => {
      const { target, runs } = app((reply, run) => {
        if (run === 1) throw new Error('boom')
        reply.send({ ok: true })
      })
      const d = await delivery('orchest')
      expect((await send(target, d)).status).toBe(500)
      expect((await send(target, d)).status).toBe(200)
      expect(runs()).toBe(2)
    })
  })

  describe("onError: 'next'", () => {
    it("hands a WebhookVerificationError to the scope's setErrorHandler, which answers", async () => {
      const errors: unknown[] = []
      const instance = framework({ logger: false }) as FastifyInstance
      instance.register(async (scope) => {
        scope.setErrorHandler((error, _request, reply) => {
          errors.push(error)
          const e = error as unknown as WebhookVerificationError
          return reply.code(e.status).send({ mine: true, code: e.code })
        })
        await scope.register(verifyWebhook, { provider: 'orchest', secret, onError: 'next' })
        scope.post('/hook', async () => ({ ok: true }))
      })
      const d = await delivery('orchest')
      const res = await send(listener(instance), { ...d, body: `${d.body} ` })
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ mine: true, code: 'SIGNATURE_MISMATCH' })
      expect(errors[0]).toBeInstanceOf(WebhookVerificationError)
    })

    it('hands a 413 BODY_TOO_LARGE to the error handler too, before reading the body', async () => {
      const codes: unknown[] = []
      const instance = framework({ logger: false }) as FastifyInstance
      instance.register(async (scope) => {
        scope.setErrorHandler((error, _request, reply) => {
          const e = error as unknown as WebhookVerificationError
          codes.push(e.code)
          return reply.code(e.status).send({ code: e.code })
        })
        await scope.register(verifyWebhook, { provider: 'orchest', secret, onError: 'next', limit: 64 })
        scope.post('/hook', async () => ({ ok: true }))
      })
      const res = await send(listener(instance), await delivery('orchest'))
      expect([res.status, res.body.code]).toEqual([413, 'BODY_TOO_LARGE'])
      expect(codes).toEqual(['BODY_TOO_LARGE'])
    })

    it("with Fastify's default error handler answers the error's status (401), not 500", async () => {
      const instance = framework({ logger: false }) as FastifyInstance
      instance.register(async (scope) => {
        await scope.register(verifyWebhook, { provider: 'orchest', secret, onError: 'next' })
        scope.post('/hook', async () => ({ ok: true }))
      })
      const d = await delivery('orchest')
      delete d.headers['X-Hub-Signature']
      const res = await send(listener(instance), d)
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('MISSING_SIGNATURE')
    })
  })
})
