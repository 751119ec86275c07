import { getRequestListener } from '@hono/node-server'
import { MemoryReplayStore, type WebhookEvent, WebhookVerificationError } from '@hookproof/core'
import fc from 'fast-check'
import { Hono } from 'hono'
import { validator } from 'hono/validator'
import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import { delivery, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { type HonoWebhook, verifyWebhook, type WebhookVariables } from '../src/index.js'

const secret = SECRETS.orchest
type Fetch = (request: Request, env: never) => Response | Promise<Response>
const listener = (app: { fetch: Fetch }) => getRequestListener((request, env) => app.fetch(request, env as never))

describe('a body read before verifyWebhook()', () => {
  it('verifyWebhook() after a middleware that ran c.req.json() answers 500 BODY_ALREADY_PARSED and names the fix', async () => {
    const app = new Hono()
    let handled = 0
    app.use('/hook', async (c, next) => {
      await c.req.json()
      await next()
    })
    app.post('/hook', verifyWebhook({ provider: 'orchest', secret }), (c) => {
      handled++
      return c.body(null, 204)
    })
    const res = await send(listener(app), await delivery('orchest'))
    expect(res.status).toBe(500)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.body.code).toBe('BODY_ALREADY_PARSED')
    expect(res.body.detail).toContain('c.req.json()')
    expect(res.body.detail).toContain('Put verifyWebhook() first')
    expect(handled).toBe(0)
  })

  it("verifyWebhook() after validator('json') answers 500 BODY_ALREADY_PARSED", async () => {
    const app = new Hono()
    app.post(
      '/hook',
      validator('json', (value) => value),
      verifyWebhook({ provider: 'orchest', secret }),
      (c) => c.body(null, 204),
    )
    const res = await send(listener(app), await delivery('orchest'))
    expect([res.status, res.body.code]).toEqual([500, 'BODY_ALREADY_PARSED'])
  })

  it('verifyWebhook() after a middleware that read c.req.raw.text() itself answers 500 BODY_ALREADY_PARSED', async () => {
    const app = new Hono()
    app.post(
      '/hook',
      async (c, next) => {
        await c.req.raw.text()
        await next()
      },
      verifyWebhook({ provider: 'orchest', secret }),
      (c) => c.body(null, 204),
    )
    const res = await send(listener(app), await delivery('orchest'))
    expect([res.status, res.body.code]).toEqual([500, 'BODY_ALREADY_PARSED'])
    expect(res.body.detail).toContain('the parsed body is nothing')
  })

  it('verifyWebhook() after a middleware that read c.req.arrayBuffer() verifies those exact bytes', async () => {
    const app = new Hono()
    app.post(
      '/hook',
      async (c, next) => {
        await c.req.arrayBuffer()
        await next()
      },
      verifyWebhook({ provider: 'orchest', secret }),
      (c) => c.json(c.get('webhook').payload),
    )
    const d = await delivery('orchest')
    const res = await send(listener(app), d)
    expect(res.status).toBe(200)
    expect(res.body).toEqual(d.payload)
  })

  it('c.req.json() and c.req.text() in the handler after verifyWebhook() read the verified bytes', async () => {
    const app = new Hono()
    app.post('/hook', verifyWebhook({ provider: 'orchest', secret }), async (c) =>
      c.json({ json: await c.req.json(), text: await c.req.text() }),
    )
    const d = await delivery('orchest')
    const res = await send(listener(app), d)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ json: d.payload, text: d.body })
  })

  it.each([
    ['with a Content-Length', false],
    ['as one chunk viewing a larger buffer', true],
  ])('c.req.arrayBuffer() in the handler after verifyWebhook() is exactly the verified bytes, %s', async (_how, chunked) => {
    const app = new Hono()
    app.post('/hook', verifyWebhook({ provider: 'orchest', secret }), async (c) => {
      const whole = await c.req.arrayBuffer()
      const raw = c.get('webhook').rawBody
      return c.json({
        text: new TextDecoder().decode(whole),
        bytes: whole.byteLength,
        raw: raw.byteLength,
        blob: await (await c.req.blob()).text(),
      })
    })
    const d = await delivery('orchest')
    const bytes = new TextEncoder().encode(d.body)
    let res: Response
    if (!chunked)
      res = await app.request('/hook', { method: 'POST', headers: { ...d.headers, 'content-length': String(bytes.length) }, body: bytes })
    else {
      // a view 7 bytes into a larger buffer with other bytes around it, as a socket's pooled chunk is
      const slab = new Uint8Array(bytes.length + 20).fill(0x41)
      slab.set(bytes, 7)
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(slab.subarray(7, 7 + bytes.length))
          controller.close()
        },
      })
      res = await app.request('/hook', { method: 'POST', headers: d.headers, body, duplex: 'half' } as RequestInit)
    }
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ text: d.body, bytes: bytes.length, raw: bytes.length, blob: d.body })
  })

  it("verifyWebhook({ limit: '1kb' }) answers 413 BODY_TOO_LARGE to a 2 KiB body and takes a 1000-byte one", async () => {
    const app = new Hono()
    app.post('/hook', verifyWebhook({ provider: 'orchest', secret, limit: '1kb' }), (c) => c.body(null, 204))
    const big = await delivery('orchest', { body: JSON.stringify({ pad: 'x'.repeat(2048) }) })
    const res = await send(listener(app), big)
    expect([res.status, res.body.code]).toEqual([413, 'BODY_TOO_LARGE'])
    const small = await delivery('orchest', { body: JSON.stringify({ pad: 'x'.repeat(990) }) })
    expect((await send(listener(app), small)).status).toBe(204)
  })

  // a Request built by hand (app.request() in a test, a Worker passing one on) can carry a stream of
  // anything: one string chunk used to be taken as the read's failure, and the answer crashed into a 500
  it.each([
    ['one string', ['{"a":1}']],
    ['two strings', ['{"a"', ':1}']],
    ['a number', [42]],
    ['bytes, then a string', [new Uint8Array([123]), '}']],
  ])('attack: a body stream of %s answers 400 INVALID_PAYLOAD, never a 500, and the handler never runs', async (_what, chunks) => {
    const app = new Hono()
    const handler = vi.fn((c: { body(b: null, s: 204): Response }) => c.body(null, 204))
    app.post('/hook', verifyWebhook({ provider: 'orchest', secret, logger: false }), handler)
    const d = await delivery('orchest')
    const body = new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk)
        controller.close()
      },
    })
    const res = await app.request('/hook', { method: 'POST', headers: d.headers, body, duplex: 'half' } as RequestInit)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { code: string }).code).toBe('INVALID_PAYLOAD')
    expect(handler).not.toHaveBeenCalled()
  })

  it('property: a body stream of any chunks answers 4xx with a stable code or runs the handler on bytes, never 500', async () => {
    const app = new Hono()
    let handled = 0
    app.post('/hook', verifyWebhook({ provider: 'orchest', secret, logger: false, replayStore: false }), (c) => {
      handled++
      return c.body(null, 204)
    })
    const d = await delivery('orchest')
    const signed = new TextEncoder().encode(d.body)
    const chunk = fc.oneof(fc.uint8Array({ maxLength: 16 }), fc.string(), fc.integer(), fc.constant(null), fc.constant(signed))
    await fc.assert(
      fc.asyncProperty(fc.array(chunk, { maxLength: 4 }), async (chunks) => {
        const before = handled
        const body = new ReadableStream({
          start(controller) {
            for (const c of chunks) controller.enqueue(c)
            controller.close()
          },
        })
        const res = await app.request('/hook', { method: 'POST', headers: d.headers, body, duplex: 'half' } as RequestInit)
        if (res.status === 204) {
          // only the signed bytes, whole, verify
          expect(chunks.filter((c) => c instanceof Uint8Array && c.byteLength > 0)).toEqual([signed])
          expect(handled).toBe(before + 1)
        } else {
          expect(res.status).toBeGreaterThanOrEqual(400)
          expect(res.status).toBeLessThan(500)
          expect(typeof ((await res.json()) as { code: unknown }).code).toBe('string')
          expect(handled).toBe(before)
        }
      }),
      { numRuns: 150 },
    )
  })

  it.each([-1, '1 megabyte', Number.NaN, {}])('verifyWebhook({ limit: %s }) throws a TypeError at startup', (limit) => {
    expect(() => verifyWebhook({ provider: 'orchest', secret, limit: limit as number })).toThrow(/limit must be/)
  })
})

describe('a handler that throws', () => {
  function throwingOnce(onError?: (app: Hono) => void) {
    const events: WebhookEvent[] = []
    let runs = 0
    const app = new Hono()
    onError?.(app)
    app.post('/hook', verifyWebhook({ provider: 'orchest', secret, onEvent: (e) => events.push(e) }), (c) => {
      runs++
      if (runs === 1) throw new Error('queue full')
      return c.body(null, 202)
    })
    return { app, events, runs: () => runs }
  }

  it("verifyWebhook() with Hono's default error handler: the throw answers 500 and releases the claim, so the retry runs", async () => {
    const { app, events, runs } = throwingOnce()
    const d = await delivery('orchest')
    const first = await send(listener(app), d)
    expect(first.status).toBe(500)
    expect((await send(listener(app), d)).status).toBe(202)
    expect(runs()).toBe(2)
    expect(events.map((e) => [e.type, e.outcome, e.status])).toEqual([
      ['verified', 'aborted', undefined],
      ['verified', 'completed', 202],
    ])
    const third = await send(listener(app), d)
    expect([third.status, third.body.code]).toEqual([200, 'DUPLICATE_DELIVERY'])
    expect(runs()).toBe(2)
  })

  it('verifyWebhook() releases the claim of a throw even when app.onError answers it 200', async () => {
    const { app, runs } = throwingOnce((a) => a.onError((_error, c) => c.text('swallowed', 200)))
    const d = await delivery('orchest')
    const first = await send(listener(app), d)
    expect([first.status, first.text]).toEqual([200, 'swallowed'])
    expect((await send(listener(app), d)).status).toBe(202)
    expect(runs()).toBe(2)
  })

  it('verifyWebhook() releases the claim of a handler that returns no Response (Hono answers 500)', async () => {
    const app = new Hono()
    let runs = 0
    app.post('/hook', verifyWebhook({ provider: 'orchest', secret }), ((c: { body(b: null, s: number): Response }) => {
      runs++
      if (runs > 1) return c.body(null, 204)
    }) as never)
    const d = await delivery('orchest')
    expect((await send(listener(app), d)).status).toBe(500)
    expect((await send(listener(app), d)).status).toBe(204)
    expect(runs).toBe(2)
  })
})

describe("onError: 'next'", () => {
  it("verifyWebhook({ onError: 'next' }) hands a WebhookVerificationError to app.onError", async () => {
    const app = new Hono()
    const errors: unknown[] = []
    app.onError((error, c) => {
      errors.push(error)
      return c.json({ mine: true, code: (error as WebhookVerificationError).code }, 401)
    })
    app.post('/hook', verifyWebhook({ provider: 'orchest', secret, onError: 'next' }), (c) => c.body(null, 204))
    const d = await delivery('orchest')
    const res = await send(listener(app), { ...d, body: `${d.body} ` })
    expect(res.status).toBe(401)
    expect(res.body).toEqual({ mine: true, code: 'SIGNATURE_MISMATCH' })
    expect(errors[0]).toBeInstanceOf(WebhookVerificationError)
  })

  it("verifyWebhook({ onError: 'next' }) without app.onError: Hono's default handler answers the problem+json", async () => {
    const app = new Hono()
    app.post('/hook', verifyWebhook({ provider: 'orchest', secret, onError: 'next' }), (c) => c.body(null, 204))
    const d = await delivery('orchest')
    const res = await send(listener(app), { ...d, headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(401)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.body.code).toBe('MISSING_SIGNATURE')
  })
})

describe('types', () => {
  it("c.get('webhook') is typed by the middleware alone, with no generic on the app", async () => {
    const app = new Hono()
    let seen = ''
    app.post('/hook', verifyWebhook({ provider: 'orchest', secret }), (c) => {
      const webhook = c.get('webhook')
      expectTypeOf(webhook).toEqualTypeOf<HonoWebhook>()
      expectTypeOf(c.var.webhook.deliveryId).toEqualTypeOf<string | undefined>()
      seen = webhook.provider
      return c.body(null, 204)
    })
    expect((await send(listener(app), await delivery('orchest'))).status).toBe(204)
    expect(seen).toBe('orchest')
  })

  it('new Hono<{ Variables: WebhookVariables<P> }>() types the payload; bindings stay typed beside it', async () => {
    type Bindings = { REGION: string }
    const app = new Hono<{ Bindings: Bindings; Variables: WebhookVariables<{ jobId: string }> }>()
    let jobId = ''
    app.post(
      '/hook',
      verifyWebhook({ provider: 'designer-cloud', secret: SECRETS['designer-cloud'], replayStore: new MemoryReplayStore() }),
      (c) => {
        expectTypeOf(c.get('webhook').payload.jobId).toEqualTypeOf<string>()
        expectTypeOf(c.env.REGION).toEqualTypeOf<string>()
        jobId = c.get('webhook').payload.jobId
        return c.body(null, 204)
      },
    )
    expect((await send(listener(app), await delivery('designer-cloud', { id: 'job-77' }))).status).toBe(204)
    expect(jobId).toBe('job-77')
  })
})

describe('secret as a function of the context', () => {
  it('verifyWebhook({ secret: (c) => ... }) reads it per request; on() listeners and the replay store span every secret value', async () => {
    let current = 'rotating-secret-1'
    const seen: string[] = []
    const webhooks = verifyWebhook({ provider: 'orchest', secret: () => current })
    for (const type of ['verified', 'rejected', 'duplicate'] as const)
      webhooks.on(type, (e) => seen.push(`${e.type}:${e.code ?? e.status}`))
    const app = new Hono()
    app.post('/hook', webhooks, (c) => c.body(null, 204))
    const first = await delivery('orchest', { sign: { secret: 'rotating-secret-1' } })
    expect((await send(listener(app), first)).status).toBe(204)
    current = 'rotating-secret-2'
    // the same delivery while the function returns another value: that verifier rejects it
    expect((await send(listener(app), first)).status).toBe(401)
    current = 'rotating-secret-1'
    expect((await send(listener(app), first)).status).toBe(200)
    expect(seen).toEqual(['verified:204', 'rejected:SIGNATURE_MISMATCH', 'duplicate:DUPLICATE_DELIVERY'])
  })

  it('verifyWebhook({ provider: unknown, secret: fn }) still throws a TypeError at startup', () => {
    expect(() => verifyWebhook({ provider: 'stripe' as 'orchest', secret: () => 'x' })).toThrow(TypeError)
  })

  it('a secret function that returns nothing answers 500 without running the handler or showing a secret', async () => {
    const app = new Hono()
    let runs = 0
    app.post('/hook', verifyWebhook({ provider: 'orchest', secret: () => undefined }), (c) => {
      runs++
      return c.body(null, 204)
    })
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const res = await send(listener(app), await delivery('orchest'))
      expect(res.status).toBe(500)
      expect(runs).toBe(0)
      expect(String(error.mock.calls[0]?.[0])).toContain('The secret for orchest is undefined')
    } finally {
      error.mockRestore()
    }
  })
})
