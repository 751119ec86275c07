// withWebhook() called with plain Web Requests, no Next build: the edge cases of the body reader,
// the settling of the claim and the option forms. The built app (next-app.test.ts) covers the rest.
import { MemoryReplayStore } from '@hookproof/core'
import type { WebhookEvent } from '@hookproof/core/adapter'
import { BODY_PARSER_OFF, withWebhook } from '@hookproof/next'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { clearSecretEnv, delivery, SECRETS } from '../../core/test/adapter-suite/index.js'

const secret = SECRETS.orchest
const URL = 'http://127.0.0.1/api/webhooks'

async function post(d: { body: string; headers: Record<string, string> }, init: RequestInit = {}) {
  return new Request(URL, { method: 'POST', headers: d.headers, body: d.body, ...init })
}

const noContent = () => new Response(null, { status: 204 })

describe('withWebhook() on Web Requests', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it('returns the handler Response for a valid orchest delivery, with the verified payload and raw bytes', async () => {
    const d = await delivery('orchest')
    const route = withWebhook({ provider: 'orchest', secret }, async (webhook) =>
      Response.json(
        { provider: webhook.provider, payload: webhook.payload, raw: new TextDecoder().decode(webhook.rawBody) },
        { status: 202 },
      ),
    )
    const res = await route(await post(d), {})
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ provider: 'orchest', payload: d.payload, raw: d.body })
  })

  it('passes the request and the route context through to the handler', async () => {
    const d = await delivery('orchest')
    const context = { params: Promise.resolve({ provider: 'orchest' }) }
    const seen: unknown[] = []
    const route = withWebhook<typeof context>({ provider: 'orchest', secret }, async (_webhook, request, ctx) => {
      seen.push(request.method, (await ctx.params).provider)
      return noContent()
    })
    expect((await route(await post(d), context)).status).toBe(204)
    expect(seen).toEqual(['POST', 'orchest'])
  })

  it('answers a forged delivery 401 SIGNATURE_MISMATCH as problem+json without calling the handler', async () => {
    const d = await delivery('orchest')
    const handler = vi.fn(noContent)
    const res = await withWebhook({ provider: 'orchest', secret }, handler)(await post({ ...d, body: `${d.body} ` }), {})
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect((await res.json()).code).toBe('SIGNATURE_MISMATCH')
    expect(handler).not.toHaveBeenCalled()
  })

  it('answers 413 BODY_TOO_LARGE from Content-Length alone, without keeping any of the body', async () => {
    const d = await delivery('orchest')
    let cancelled = false
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array(16)),
      cancel: () => {
        cancelled = true
      },
    })
    const request = new Request(URL, {
      method: 'POST',
      headers: { ...d.headers, 'content-length': '1000' },
      body,
      duplex: 'half',
    } as RequestInit)
    const handler = vi.fn(noContent)
    const res = await withWebhook({ provider: 'orchest', secret, limit: 100, bodyTimeoutMs: 100 }, handler)(request, {})
    expect(res.status).toBe(413)
    expect((await res.json()).code).toBe('BODY_TOO_LARGE')
    expect(handler).not.toHaveBeenCalled()
    // the rest is read and dropped (so Next does not cut the connection before the 413), for bodyTimeoutMs at most
    await vi.waitFor(() => expect(cancelled).toBe(true), { timeout: 2_000 })
  })

  it('answers 413 to a body without Content-Length that streams past the limit, and stops reading an endless one after bodyTimeoutMs', async () => {
    const d = await delivery('orchest')
    let cancelled = false
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array(64)),
      cancel: () => {
        cancelled = true
      },
    })
    const request = new Request(URL, { method: 'POST', headers: d.headers, body, duplex: 'half' } as RequestInit)
    const res = await withWebhook({ provider: 'orchest', secret, limit: '1kb', bodyTimeoutMs: 100 }, noContent)(request, {})
    expect(res.status).toBe(413)
    expect((await res.json()).code).toBe('BODY_TOO_LARGE')
    await vi.waitFor(() => expect(cancelled).toBe(true), { timeout: 2_000 })
  })

  it('reads the rest of a body over the limit to its end, so the sender gets the 413, without keeping it', async () => {
    const d = await delivery('orchest')
    let pulls = 0
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        if (++pulls > 50) controller.close()
        else controller.enqueue(new Uint8Array(64))
      },
    })
    const request = new Request(URL, { method: 'POST', headers: d.headers, body, duplex: 'half' } as RequestInit)
    const res = await withWebhook({ provider: 'orchest', secret, limit: 256 }, noContent)(request, {})
    expect(res.status).toBe(413)
    await vi.waitFor(() => expect(pulls).toBe(51))
  })

  it('answers 400 INVALID_PAYLOAD to a body stream of strings and cancels it, without running the handler', async () => {
    const d = await delivery('orchest')
    let cancelled = false
    const body = new ReadableStream({
      pull: (controller) => controller.enqueue('{"a":1}'),
      cancel: () => {
        cancelled = true
      },
    })
    const request = new Request(URL, { method: 'POST', headers: d.headers, body, duplex: 'half' } as RequestInit)
    const handler = vi.fn(noContent)
    const res = await withWebhook({ provider: 'orchest', secret, logger: false }, handler)(request, {})
    expect(res.status).toBe(400)
    expect((await res.json()).code).toBe('INVALID_PAYLOAD')
    expect(handler).not.toHaveBeenCalled()
    await vi.waitFor(() => expect(cancelled).toBe(true), { timeout: 2_000 })
  })

  it('accepts a body exactly at the limit', async () => {
    const d = await delivery('orchest')
    const route = withWebhook({ provider: 'orchest', secret, limit: Buffer.byteLength(d.body) }, noContent)
    expect((await route(await post(d), {})).status).toBe(204)
  })

  it('answers 408 BODY_TIMEOUT to a body that stalls past bodyTimeoutMs, and cancels the stream', async () => {
    const d = await delivery('orchest')
    let cancelled = false
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(d.body.slice(0, 10)))
      },
      cancel() {
        cancelled = true
      },
    })
    const handler = vi.fn(noContent)
    const request = new Request(URL, { method: 'POST', headers: d.headers, body, duplex: 'half' } as RequestInit)
    const res = await withWebhook({ provider: 'orchest', secret, bodyTimeoutMs: 50 }, handler)(request, {})
    expect(res.status).toBe(408)
    expect((await res.json()).code).toBe('BODY_TIMEOUT')
    expect(cancelled).toBe(true)
    expect(handler).not.toHaveBeenCalled()
  })

  it('answers 400 INVALID_PAYLOAD when the body stream fails midway', async () => {
    const d = await delivery('orchest')
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"a"'))
        controller.error(new Error('socket hang up'))
      },
    })
    const request = new Request(URL, { method: 'POST', headers: d.headers, body, duplex: 'half' } as RequestInit)
    const res = await withWebhook({ provider: 'orchest', secret }, noContent)(request, {})
    expect(res.status).toBe(400)
    expect((await res.json()).code).toBe('INVALID_PAYLOAD')
  })

  it('answers 500 BODY_ALREADY_PARSED when something read the body first, and says to let withWebhook read it', async () => {
    const d = await delivery('orchest')
    const request = await post(d)
    await request.text()
    const res = await withWebhook({ provider: 'orchest', secret, exposeDetails: true }, noContent)(request, {})
    expect(res.status).toBe(500)
    const problem = await res.json()
    expect(problem.code).toBe('BODY_ALREADY_PARSED')
    expect(problem.detail).toContain('request.json()')
  })

  it('releases the claim when the handler throws: the throw reaches Next, and the retry runs the handler', async () => {
    const d = await delivery('orchest')
    let calls = 0
    const events: WebhookEvent[] = []
    const route = withWebhook({ provider: 'orchest', secret, onEvent: (e) => events.push(e) }, async () => {
      if (++calls === 1) throw new Error('database down')
      return noContent()
    })
    await expect(route(await post(d), {})).rejects.toThrow('database down')
    expect(events.at(-1)).toMatchObject({ type: 'verified', outcome: 'aborted' })
    expect((await route(await post(d), {})).status).toBe(204)
    const third = await route(await post(d), {})
    expect(third.status).toBe(200)
    expect((await third.json()).code).toBe('DUPLICATE_DELIVERY')
    expect(calls).toBe(2)
  })

  it('releases the claim when the handler answers 503, and completes it on the 204 of the retry', async () => {
    const d = await delivery('orchest')
    const statuses = [503, 204]
    const handler = vi.fn(async () => new Response(null, { status: statuses.shift() }))
    const route = withWebhook({ provider: 'orchest', secret }, handler)
    expect((await route(await post(d), {})).status).toBe(503)
    expect((await route(await post(d), {})).status).toBe(204)
    expect((await route(await post(d), {})).status).toBe(200)
    expect(handler).toHaveBeenCalledTimes(2)
  })

  it('holds the claim until the handler has finished: a copy arriving meanwhile gets 409 with Retry-After', async () => {
    const d = await delivery('orchest')
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const handler = vi.fn(async () => {
      await gate
      return noContent()
    })
    const route = withWebhook({ provider: 'orchest', secret, leaseSeconds: 30 }, handler)
    const first = route(await post(d), {})
    await vi.waitFor(() => expect(handler).toHaveBeenCalledTimes(1))
    const second = await route(await post(d), {})
    expect(second.status).toBe(409)
    expect(second.headers.get('retry-after')).toBe('30')
    release()
    expect((await first).status).toBe(204)
    expect(handler).toHaveBeenCalledTimes(1)
  })

  it('treats a handler that returns no Response as a failure: TypeError, claim released', async () => {
    const d = await delivery('orchest')
    const replayStore = new MemoryReplayStore()
    const route = withWebhook({ provider: 'orchest', secret, replayStore }, (async () => undefined) as never)
    await expect(route(await post(d), {})).rejects.toThrow('must return a Response')
    const retry = withWebhook({ provider: 'orchest', secret, replayStore }, noContent)
    expect((await retry(await post(d), {})).status).toBe(204)
  })

  it('withWebhook(handler) reads ORCHEST_WEBHOOK_SECRET on the first request, not when the module loads', async () => {
    // `next build` imports route modules without the runtime secrets: building the route must not throw
    const route = withWebhook(noContent)
    vi.stubEnv('ORCHEST_WEBHOOK_SECRET', secret)
    expect((await route(await post(await delivery('orchest')), {})).status).toBe(204)
  })

  it('withWebhook({}, handler) is the same env form', async () => {
    vi.stubEnv('GITHUB_WEBHOOK_SECRET', SECRETS.github)
    const route = withWebhook({}, noContent)
    expect((await route(await post(await delivery('github')), {})).status).toBe(204)
    expect((await route(await post(await delivery('orchest')), {})).status).toBe(401)
  })

  it('withWebhook(handler) with no secret in the environment throws a TypeError on each request, never answering 2xx', async () => {
    clearSecretEnv(undefined)
    const route = withWebhook(noContent)
    await expect(route(await post(await delivery('orchest')), {})).rejects.toThrow(TypeError)
    await expect(route(await post(await delivery('orchest')), {})).rejects.toThrow(/WEBHOOK_SECRET/)
  })

  it('publicUrl as a base replaces the origin that Designer Cloud signed behind a proxy', async () => {
    const url = 'https://hooks.example.com/api/dc?jobId=1&jobStatus=Complete'
    const d = await delivery('designer-cloud', { method: 'GET', url })
    const request = new Request('http://10.0.0.5:3000/api/dc?jobId=1&jobStatus=Complete', { headers: d.headers })
    const plain = withWebhook({ provider: 'designer-cloud', secret: SECRETS['designer-cloud'] }, noContent)
    expect((await plain(request.clone(), {})).status).toBe(401)
    const proxied = withWebhook(
      { provider: 'designer-cloud', secret: SECRETS['designer-cloud'], publicUrl: 'https://hooks.example.com/' },
      noContent,
    )
    expect((await proxied(request, {})).status).toBe(204)
  })

  it('reports verified, rejected and duplicate to onEvent and emitter', async () => {
    const d = await delivery('orchest')
    const events: string[] = []
    const emitted: string[] = []
    const route = withWebhook(
      {
        provider: 'orchest',
        secret,
        onEvent: (e) => events.push(`${e.type}:${e.code ?? e.status}`),
        emitter: { emit: (name) => emitted.push(name) },
      },
      noContent,
    )
    await route(await post(d), {})
    await route(await post(d), {})
    await route(await post({ ...d, body: '{}' }), {})
    expect(events).toEqual(['verified:204', 'duplicate:DUPLICATE_DELIVERY', 'rejected:SIGNATURE_MISMATCH'])
    expect(emitted).toEqual(['verified', 'duplicate', 'rejected'])
  })

  it.each([
    [{ limit: 'lots' }, /limit must be/],
    [{ limit: -1 }, /limit must be/],
    [{ bodyTimeoutMs: 0 }, /bodyTimeoutMs/],
    [{ publicUrl: 42 }, /publicUrl/],
    [{ onError: 'next' }, /onError: 'next' has no meaning/],
  ])('withWebhook(%o, handler) throws a TypeError at import', (options, message) => {
    expect(() => withWebhook({ provider: 'orchest', secret, ...options } as never, noContent)).toThrow(message)
  })

  it('withWebhook(options) without a handler throws a TypeError at import', () => {
    expect(() => withWebhook({ provider: 'orchest', secret } as never)).toThrow(/handler must be a function/)
  })

  it('names the exact config line for the Pages Router', () => {
    expect(BODY_PARSER_OFF).toBe('export const config = { api: { bodyParser: false } }')
  })
})
