import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createFlowWith, type FlowResponse } from '../src/flow.js'
import { createRouter, createVerifier, MemoryReplayStore, type Router, sign, type WebhookEvent } from '../src/node.js'
import { SECRETS } from './adapter-suite/deliveries.js'
import { orchestBody } from './router-support.js'

const secret = SECRETS.orchest
let counter = 0

/** One signed Orchest delivery, replayable: the same bytes and headers every time. */
async function orchestDelivery(type: string, extra: Record<string, unknown> = {}) {
  const body = JSON.stringify(orchestBody(type, extra))
  const headers = { ...(await sign('orchest', { secret, body, id: `flow-${++counter}`, event: type })), 'content-type': 'application/json' }
  return { body: new TextEncoder().encode(body), headers }
}

/** Runs one request through the flow the adapters share; `handle` must never be called when a router is set. */
function receiver(router: Router) {
  const events: WebhookEvent[] = []
  const flow = createFlowWith(createVerifier, {
    provider: 'orchest',
    secret,
    router,
    replayStore: new MemoryReplayStore(),
    onEvent: (e) => events.push(e),
  })
  async function deliver(d: { body: Uint8Array; headers: Record<string, string> }): Promise<FlowResponse> {
    let response: FlowResponse | undefined
    await flow.run({
      readBody: async () => d.body,
      readRequest: () => ({ headers: d.headers, method: 'POST', url: 'https://hooks.example.com/orchest' }),
      send: (r) => {
        response = r
      },
      handle: async () => {
        throw new Error('the flow called handle() although a router is set')
      },
    })
    if (response === undefined) throw new Error('nothing was sent')
    return response
  }
  return { deliver, events }
}

describe('the adapters flow with a router: dispatch after verification, before settling', () => {
  it('a routed handler answers for the flow; a retry of a processed delivery is a 200 duplicate and is not run again', async () => {
    let runs = 0
    const { deliver, events } = receiver(createRouter({ provider: 'orchest', logger: false }).on('project:created', () => void runs++))
    const d = await orchestDelivery('project:created')
    expect((await deliver(d)).status).toBe(200)
    const again = await deliver(d)
    expect(again.status).toBe(200)
    expect(JSON.parse(again.body).code).toBe('DUPLICATE_DELIVERY')
    expect(runs).toBe(1)
    expect(events.map((e) => [e.type, e.status, e.outcome])).toEqual([
      ['verified', 200, 'completed'],
      ['duplicate', 200, undefined],
    ])
  })

  it('a throwing routed handler releases the claim: flow.run rejects, and the retry is processed', async () => {
    let runs = 0
    const router = createRouter({ provider: 'orchest', logger: false }).on('project:one-off-job:failed', () => {
      runs++
      if (runs === 1) throw new Error('database down')
    })
    const { deliver, events } = receiver(router)
    const d = await orchestDelivery('project:one-off-job:failed')
    await expect(deliver(d)).rejects.toThrow('database down')
    expect((await deliver(d)).status).toBe(200)
    expect(runs).toBe(2)
    expect(events.map((e) => e.outcome)).toEqual(['aborted', 'completed'])
  })

  it('a 5xx answer from a handler releases the claim too', async () => {
    let runs = 0
    const { deliver } = receiver(
      createRouter({ provider: 'orchest', logger: false }).on('project:created', () => (++runs === 1 ? 503 : 204)),
    )
    const d = await orchestDelivery('project:created')
    expect((await deliver(d)).status).toBe(503)
    expect((await deliver(d)).status).toBe(204)
    expect(runs).toBe(2)
  })

  it('a schema mismatch answers 422 problem+json and releases the claim, so each retry is judged again (and passes after a fix)', async () => {
    const Created = z.object({ event: z.object({ project: z.object({ name: z.string() }) }) })
    const { deliver, events } = receiver(
      createRouter({ provider: 'orchest', logger: false }).on('project:created', { schema: Created }, () => {}),
    )
    const d = await orchestDelivery('project:created', { project: { uuid: 'p', name: 12345 } })
    for (let i = 0; i < 2; i++) {
      const r = await deliver(d)
      expect(r.status).toBe(422)
      expect(r.headers['content-type']).toBe('application/problem+json')
      expect(JSON.parse(r.body)).toMatchObject({ code: 'PAYLOAD_SCHEMA_MISMATCH', errors: [{ pointer: '#/event/project/name' }] })
      expect(r.body).not.toContain('12345')
    }
    expect(events.map((e) => [e.type, e.status, e.outcome])).toEqual([
      ['verified', 422, 'aborted'],
      ['verified', 422, 'aborted'],
    ])
  })

  it("onInvalid: 'drop' answers 200 and marks it processed: the vendor's retry is a duplicate", async () => {
    const Created = z.object({ event: z.object({ project: z.object({ name: z.string() }) }) })
    const router = createRouter({ provider: 'orchest', onInvalid: 'drop', logger: false }).on(
      'project:created',
      { schema: Created },
      () => {},
    )
    const { deliver } = receiver(router)
    const d = await orchestDelivery('project:created', { project: { uuid: 'p' } })
    expect(await deliver(d)).toMatchObject({ status: 200, body: '' })
    expect(JSON.parse((await deliver(d)).body).code).toBe('DUPLICATE_DELIVERY')
  })

  it("an unknown event answers 200 and is processed by default; with onUnknown: 'reject' 422 UNKNOWN_EVENT and released", async () => {
    const ignore = receiver(createRouter({ provider: 'orchest', logger: false }))
    const d = await orchestDelivery('project:deleted')
    expect((await ignore.deliver(d)).status).toBe(200)
    expect(JSON.parse((await ignore.deliver(d)).body).code).toBe('DUPLICATE_DELIVERY')
    const reject = receiver(createRouter({ provider: 'orchest', onUnknown: 'reject', logger: false }))
    expect((await reject.deliver(d)).status).toBe(422)
    expect(JSON.parse((await reject.deliver(d)).body).code).toBe('UNKNOWN_EVENT')
  })

  it('a router for a provider the verifier does not accept, or not from createRouter, throws TypeError at startup', () => {
    expect(() => createFlowWith(createVerifier, { provider: 'orchest', secret, router: createRouter({ provider: 'y42' }) })).toThrow(
      /router is for y42/,
    )
    expect(() => createFlowWith(createVerifier, { provider: 'orchest', secret, router: {} as never })).toThrow(/createRouter/)
    expect(() =>
      createFlowWith(createVerifier, {
        providers: [
          { provider: 'orchest', secret },
          { provider: 'y42', secret },
        ],
        router: createRouter({ provider: 'y42' }),
      }),
    ).not.toThrow()
  })
})

describe('router.handle() without an adapter (Fetch), as the core README shows it', () => {
  it('verifyRequest, handle, settle by result.processed, and a Response built from the result', async () => {
    const { verifyRequest } = await import('../src/node.js')
    const replayStore = new MemoryReplayStore()
    let runs = 0
    const router = createRouter({ provider: 'orchest', logger: false }).on('project:created', () => ({ status: 201, body: { ok: ++runs } }))
    async function endpoint(request: Request): Promise<Response> {
      const webhook = await verifyRequest(request, { provider: 'orchest', secret, replayStore })
      const result = await router.handle(webhook).catch(async (error) => {
        await webhook.abort()
        throw error
      })
      await (result.processed ? webhook.complete() : webhook.abort())
      return new Response(result.body === '' ? null : result.body, result)
    }
    const d = await orchestDelivery('project:created')
    const request = () => new Request('https://hooks.example.com/orchest', { method: 'POST', body: d.body, headers: d.headers })
    const response = await endpoint(request())
    expect(response.status).toBe(201)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.json()).toEqual({ ok: 1 })
    await expect(endpoint(request())).rejects.toMatchObject({ code: 'DUPLICATE_DELIVERY', status: 200 })
    expect(runs).toBe(1)
  })
})
