import fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { clearSecretEnv, delivery, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { verifyWebhook, type WebhookEvent, type WebhookRequest, webhookPlugin } from '../src/index.js'
import { FASTIFY, listener } from './app.js'

afterEach(() => {
  vi.unstubAllEnvs()
})

it('fastify4 is Fastify 4 and fastify is Fastify 5, so each describe below runs a different major', () => {
  expect(FASTIFY.map(([, framework]) => framework().version.split('.')[0])).toEqual(['5', '4'])
})

describe.each(FASTIFY)('%s', (_name, framework) => {
  /** An app with an Orchest webhook scope, a plain JSON route beside it and a text route. */
  function appWithScope(seen: unknown[] = []) {
    const app = framework({ logger: false }) as FastifyInstance
    app.register(async (scope) => {
      await scope.register(verifyWebhook, { provider: 'orchest', secret: SECRETS.orchest })
      scope.post('/webhooks/orchest', async (request, reply) => {
        seen.push({ event: request.webhook?.event, body: request.body, raw: Buffer.isBuffer(request.webhook?.rawBody) })
        return reply.code(204).send()
      })
      // a child of the scope inherits its parser and hook: every route below it is verified too
      scope.register(async (child) => {
        child.post('/webhooks/orchest/nested', async (request) => ({ nested: request.webhook?.provider }))
      })
    })
    app.post('/api/items', async (request) => ({ parsed: request.body }))
    app.post('/api/text', async (request) => ({ parsed: request.body }))
    return listener(app)
  }

  describe('encapsulation', () => {
    it('verifyWebhook in a scope verifies the raw bytes of its routes and sets request.webhook and request.body = payload', async () => {
      const seen: unknown[] = []
      const app = appWithScope(seen)
      const d = await delivery('orchest')
      const res = await send(app, d, '/webhooks/orchest')
      expect(res.status).toBe(204)
      expect(seen).toEqual([{ event: 'project:one-off-job:succeeded', body: d.payload, raw: true }])
    })

    it('a JSON route outside the verifyWebhook scope still gets the JSON parsed by Fastify, and unsigned', async () => {
      const app = appWithScope()
      const json = await send(
        app,
        { provider: 'orchest', method: 'POST', body: '{"a": [1, 2]}', headers: { 'content-type': 'application/json' }, payload: undefined },
        '/api/items',
      )
      expect(json.status).toBe(200)
      expect(json.body).toEqual({ parsed: { a: [1, 2] } })
      const text = await send(
        app,
        { provider: 'orchest', method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' }, payload: undefined },
        '/api/text',
      )
      expect(text.body).toEqual({ parsed: 'hello' })
    })

    it('the same unsigned JSON sent to a route of the scope is rejected 401 MISSING_SIGNATURE', async () => {
      const app = appWithScope()
      const res = await send(
        app,
        { provider: 'orchest', method: 'POST', body: '{"a": [1, 2]}', headers: { 'content-type': 'application/json' }, payload: undefined },
        '/webhooks/orchest',
      )
      expect(res.status).toBe(401)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.body.code).toBe('MISSING_SIGNATURE')
    })

    it('a route in a child context of the scope is verified too', async () => {
      const app = appWithScope()
      expect((await send(app, await delivery('orchest'), '/webhooks/orchest/nested')).body).toEqual({ nested: 'orchest' })
      const forged = await delivery('orchest')
      expect((await send(app, { ...forged, body: `${forged.body} ` }, '/webhooks/orchest/nested')).status).toBe(401)
    })

    it('a second scope with another provider verifies its own sender and rejects the first one', async () => {
      const app = framework({ logger: false }) as FastifyInstance
      const providers: string[] = []
      for (const [provider, secret] of [
        ['orchest', SECRETS.orchest],
        ['github', SECRETS.github],
      ] as const) {
        app.register(async (scope) => {
          await scope.register(verifyWebhook, { provider, secret })
          scope.post(`/webhooks/${provider}`, async (request) => {
            providers.push(request.webhook?.provider ?? '')
            return { ok: true }
          })
        })
      }
      const target = listener(app)
      expect((await send(target, await delivery('orchest'), '/webhooks/orchest')).status).toBe(200)
      expect((await send(target, await delivery('github'), '/webhooks/github')).status).toBe(200)
      const wrong = await send(target, await delivery('orchest'), '/webhooks/github')
      expect([wrong.status, wrong.body.code]).toEqual([401, 'MISSING_SIGNATURE'])
      expect(providers).toEqual(['orchest', 'github'])
    })

    it('registering verifyWebhook twice in one scope fails at ready() with a TypeError naming sibling scopes', async () => {
      const app = framework({ logger: false }) as FastifyInstance
      app.register(async (scope) => {
        await scope.register(verifyWebhook, { provider: 'orchest', secret: SECRETS.orchest })
        await scope.register(verifyWebhook, { provider: 'github', secret: SECRETS.github })
      })
      await expect(app.ready()).rejects.toThrow(/sibling scope/)
    })

    it('a route schema validates the verified payload, since verification runs in preValidation', async () => {
      const app = framework({ logger: false }) as FastifyInstance
      app.register(async (scope) => {
        await scope.register(verifyWebhook, { provider: 'designer-cloud', secret: SECRETS['designer-cloud'] })
        const schema = { body: { type: 'object', required: ['jobId'], properties: { jobId: { type: 'string', pattern: '^job-' } } } }
        scope.post('/hook', { schema }, async (request) => {
          const { body, webhook } = request as WebhookRequest<{ jobId: string }>
          return { jobId: body.jobId, provider: webhook.provider }
        })
      })
      const target = listener(app)
      const good = await send(target, await delivery('designer-cloud', { id: 'job-7' }))
      expect(good.body).toEqual({ jobId: 'job-7', provider: 'designer-cloud' })
      const bad = await send(target, await delivery('designer-cloud', { id: 'other-7' }))
      expect(bad.status).toBe(400)
    })
  })

  describe('events', () => {
    it('scope.hookproof.on(type, listener) gets verified, duplicate and rejected events of its scope only', async () => {
      const app = framework({ logger: false }) as FastifyInstance
      const seen: string[] = []
      app.register(async (scope) => {
        await scope.register(verifyWebhook, { provider: 'orchest', secret: SECRETS.orchest })
        for (const type of ['verified', 'duplicate', 'rejected'] as const)
          scope.hookproof.on(type, (e) => seen.push(`${e.type}:${e.code ?? e.status}`))
        scope.post('/hook', async () => ({ ok: true }))
      })
      app.register(async (scope) => {
        await scope.register(verifyWebhook, { provider: 'orchest', secret: SECRETS.orchest })
        scope.post('/other', async () => ({ ok: true }))
      })
      const target = listener(app)
      const d = await delivery('orchest')
      await send(target, d)
      await send(target, d)
      await send(target, { ...d, body: `${d.body} ` })
      await send(target, await delivery('orchest'), '/other')
      expect(seen).toEqual(['verified:200', 'duplicate:DUPLICATE_DELIVERY', 'rejected:SIGNATURE_MISMATCH'])
    })

    it('verifyWebhook options onEvent and emitter both get each event', async () => {
      const events: WebhookEvent[] = []
      const emitted: string[] = []
      const app = framework({ logger: false }) as FastifyInstance
      app.register(async (scope) => {
        await scope.register(verifyWebhook, {
          provider: 'orchest',
          secret: SECRETS.orchest,
          onEvent: (e) => events.push(e),
          emitter: { emit: (name: string) => emitted.push(name) },
        })
        scope.post('/hook', async () => ({ ok: true }))
      })
      await send(listener(app), await delivery('orchest'))
      expect(events.map((e) => [e.type, e.status, e.outcome])).toEqual([['verified', 200, 'completed']])
      expect(emitted).toEqual(['verified'])
    })
  })

  describe('options', () => {
    it('scope.register(verifyWebhook) with no options reads ORCHEST_WEBHOOK_SECRET', async () => {
      vi.stubEnv('ORCHEST_WEBHOOK_SECRET', SECRETS.orchest)
      const app = framework({ logger: false }) as FastifyInstance
      app.register(async (scope) => {
        await scope.register(verifyWebhook)
        scope.post('/hook', async (request) => ({ provider: request.webhook?.provider }))
      })
      expect((await send(listener(app), await delivery('orchest'))).body).toEqual({ provider: 'orchest' })
    })

    it('scope.register(verifyWebhook) with no secret in the environment fails at ready() with a TypeError', async () => {
      clearSecretEnv()
      const app = framework({ logger: false }) as FastifyInstance
      app.register(async (scope) => {
        await scope.register(verifyWebhook)
      })
      const error = await app.ready().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(TypeError)
      expect(String(error)).toContain('ORCHEST_WEBHOOK_SECRET')
    })

    it('webhookPlugin(options) throws the same TypeError at once, before the app starts', () => {
      expect(() => webhookPlugin({ provider: 'orchest', secret: SECRETS.orchest, limit: '1mb', bodyTimeoutMs: -5 })).toThrow(
        /bodyTimeoutMs/,
      )
      expect(() => webhookPlugin({ provider: 'orchest', secret: SECRETS.orchest, publicUrl: 42 as unknown as string })).toThrow(/publicUrl/)
    })

    it("Fastify's own register options (prefix, logLevel) are taken and not handed to the verifier", async () => {
      const app = framework({ logger: false }) as FastifyInstance
      app.register(async (scope) => {
        await scope.register(verifyWebhook, {
          provider: 'orchest',
          secret: SECRETS.orchest,
          prefix: '/ignored',
          logLevel: 'warn',
        } as object)
        scope.post('/hook', async () => ({ ok: true }))
      })
      expect((await send(listener(app), await delivery('orchest'))).status).toBe(200)
    })
  })
})

it('verifyWebhook is marked skip-override, as fastify-plugin would, and named for Fastify', () => {
  const plugin = verifyWebhook as unknown as Record<symbol, unknown>
  expect(plugin[Symbol.for('skip-override')]).toBe(true)
  expect(plugin[Symbol.for('fastify.display-name')]).toBe('@hookproof/fastify')
  expect((webhookPlugin({ provider: 'orchest', secret: 'x' }) as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')]).toBe(
    true,
  )
  expect(typeof fastify).toBe('function')
})
