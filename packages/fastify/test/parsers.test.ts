import type { FastifyInstance } from 'fastify'
import { describe, expect, it } from 'vitest'
import { delivery, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { verifyWebhook } from '../src/index.js'
import { FASTIFY, listener } from './app.js'

const secret = SECRETS.orchest

describe.each(FASTIFY)('%s', (_name, framework) => {
  /** A verifyWebhook scope where `setup` runs after the plugin, as a user's code would. */
  function app(setup: (scope: FastifyInstance) => void) {
    const calls: unknown[] = []
    const instance = framework({ logger: false }) as FastifyInstance
    instance.register(async (scope) => {
      await scope.register(verifyWebhook, { provider: 'orchest', secret })
      setup(scope)
      scope.post('/hook', async (request) => {
        calls.push(request.body)
        return { raw: Buffer.isBuffer(request.webhook?.rawBody) }
      })
    })
    return { target: listener(instance), calls }
  }

  it("verifyWebhook after a user's JSON parser in its scope answers 500 BODY_ALREADY_PARSED and names the Fastify fix", async () => {
    const { target, calls } = app((scope) => {
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
        done(null, JSON.parse(body as string)),
      )
    })
    const res = await send(target, await delivery('orchest'))
    expect(res.status).toBe(500)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.body.code).toBe('BODY_ALREADY_PARSED')
    expect(res.body.detail).toContain('addContentTypeParser')
    expect(res.body.detail).toContain('scope.register(verifyWebhook)')
    expect(res.body.detail).toContain('an object')
    expect(calls).toHaveLength(0)
  })

  it("verifyWebhook after a user's text parser answers 500 BODY_ALREADY_PARSED (the parsed body is a string)", async () => {
    const { target, calls } = app((scope) => {
      scope.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => done(null, body))
    })
    const d = await delivery('orchest', { body: 'plain text', contentType: 'text/plain' })
    const res = await send(target, d)
    expect([res.status, res.body.code]).toEqual([500, 'BODY_ALREADY_PARSED'])
    expect(res.body.detail).toContain('a string')
    expect(calls).toHaveLength(0)
  })

  it("verifyWebhook after a user's parseAs: 'buffer' parser verifies the Buffer it left", async () => {
    const { target, calls } = app((scope) => {
      scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
    })
    const d = await delivery('orchest')
    const res = await send(target, d)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ raw: true })
    expect(calls).toEqual([d.payload])
  })

  it('verifyWebhook accepts the Buffer a parser left in request.rawBody (fastify-raw-body with encoding: false)', async () => {
    const { target, calls } = app((scope) => {
      scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
        ;(request as { rawBody?: Buffer }).rawBody = body as Buffer
        done(null, JSON.parse(String(body)))
      })
    })
    const d = await delivery('orchest')
    expect((await send(target, d)).status).toBe(200)
    expect(calls).toEqual([d.payload])
  })

  it('verifyWebhook rejects a re-serialised body a parser left in request.rawBody as a string, rather than verifying it', async () => {
    const { target } = app((scope) => {
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
        ;(request as { rawBody?: string }).rawBody = body as string
        done(null, JSON.parse(body as string))
      })
    })
    const res = await send(target, await delivery('orchest'))
    expect([res.status, res.body.code]).toEqual([500, 'BODY_ALREADY_PARSED'])
  })

  it('verifyWebhook verifies an orchest form body and a body without a content type, which Fastify alone would refuse', async () => {
    const { target, calls } = app(() => {})
    const form = await delivery('orchest', {
      body: 'event=%7B%22type%22%3A+%22ping%22%7D',
      contentType: 'application/x-www-form-urlencoded',
    })
    const res = await send(target, form)
    expect(res.status).toBe(200)
    expect(calls).toEqual([{ event: { type: 'ping' } }])
  })

  it("verifyWebhook answers 500 BODY_ALREADY_PARSED when a child context's own JSON parser ran on a route below the scope", async () => {
    const instance = framework({ logger: false }) as FastifyInstance
    let runs = 0
    instance.register(async (scope) => {
      await scope.register(verifyWebhook, { provider: 'orchest', secret })
      scope.register(async (child) => {
        child.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
          done(null, JSON.parse(body as string)),
        )
        child.post('/hook', async () => ({ runs: ++runs }))
      })
    })
    const res = await send(listener(instance), await delivery('orchest'))
    expect([res.status, res.body.code]).toEqual([500, 'BODY_ALREADY_PARSED'])
    expect(runs).toBe(0)
  })

  it('verifyWebhook reads a delivery whose JSON a parser registered at the root would have taken', async () => {
    const instance = framework({ logger: false }) as FastifyInstance
    const seen: unknown[] = []
    instance.addContentTypeParser('application/vnd.api+json', { parseAs: 'string' }, (_request, body, done) =>
      done(null, JSON.parse(body as string)),
    )
    instance.register(async (scope) => {
      await scope.register(verifyWebhook, { provider: 'orchest', secret })
      scope.post('/hook', async (request) => {
        seen.push(request.body)
        return { ok: true }
      })
    })
    const d = await delivery('orchest', { contentType: 'application/vnd.api+json' })
    expect((await send(listener(instance), d)).status).toBe(200)
    expect(seen).toEqual([d.payload])
  })
})
