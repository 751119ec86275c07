import { afterEach, describe, expect, it, vi } from 'vitest'
import { fail } from '../src/errors.js'
import {
  adapterOptions,
  bodyAlreadyParsed,
  bodyReadFailure,
  createFlowWith,
  type FlowHooks,
  type FlowResponse,
  type WebhookEvent,
  type WebhookFlowOptions,
} from '../src/flow.js'
import { createVerifier, sign } from '../src/node.js'
import { MemoryReplayStore, type ReplayStore } from '../src/replay.js'
import { clearSecretEnv } from './adapter-suite/env.js'

const secret = 'test-secret-1'
const body = '{"event":"ping"}'

async function orchestDelivery(id = 'delivery-1', payload = body) {
  const headers: Record<string, string> = {
    ...(await sign('orchest', { secret, body: payload, id, event: 'ping' })),
    'content-type': 'application/json',
  }
  return { body: new TextEncoder().encode(payload), headers }
}

/** Hooks that record what the flow asked for; `answer` is what the handler does. */
function recorder(
  delivery: { body: Uint8Array; headers: Record<string, string> },
  answer: () => Promise<number | undefined> = async () => 200,
) {
  const sent: FlowResponse[] = []
  const forwarded: Error[] = []
  let calls = 0
  const hooks: FlowHooks = {
    readBody: async () => delivery.body,
    readRequest: () => ({ headers: delivery.headers, method: 'POST', url: 'http://127.0.0.1/webhooks' }),
    send: (response) => {
      sent.push(response)
    },
    forward: (error) => {
      forwarded.push(error)
    },
    handle: async () => {
      calls++
      return answer()
    },
  }
  return { hooks, sent, forwarded, calls: () => calls }
}

function flowWith(options: WebhookFlowOptions = {}) {
  const events: WebhookEvent[] = []
  const flow = createFlowWith(createVerifier, { provider: 'orchest', secret, onEvent: (e) => events.push(e), ...options })
  return { flow, events }
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('the adapter flow', () => {
  it('run() with a valid delivery calls the handler once, sends nothing itself and reports verified/completed', async () => {
    const { flow, events } = flowWith()
    const r = recorder(await orchestDelivery())
    await flow.run(r.hooks)
    expect(r.calls()).toBe(1)
    expect(r.sent).toEqual([])
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      type: 'verified',
      provider: 'orchest',
      code: undefined,
      status: 200,
      deliveryId: 'delivery-1',
      event: 'ping',
      outcome: 'completed',
    })
    expect(events[0]?.durationMs).toBeGreaterThanOrEqual(0)
  })

  it('run() with a tampered body sends a problem+json 401 SIGNATURE_MISMATCH and never calls the handler', async () => {
    const { flow, events } = flowWith()
    const delivery = await orchestDelivery()
    const r = recorder({ ...delivery, body: new TextEncoder().encode('{"event":"pong"}') })
    await flow.run(r.hooks)
    expect(r.calls()).toBe(0)
    expect(r.sent).toHaveLength(1)
    const response = r.sent[0] as FlowResponse
    expect(response.status).toBe(401)
    expect(response.headers['content-type']).toBe('application/problem+json')
    const problem = JSON.parse(response.body)
    expect(problem).toMatchObject({ status: 401, code: 'SIGNATURE_MISMATCH' })
    expect(response.body).not.toContain(secret)
    expect(response.body).not.toContain(delivery.headers['X-Hub-Signature'])
    expect(events[0]).toMatchObject({ type: 'rejected', code: 'SIGNATURE_MISMATCH', status: 401, provider: 'orchest' })
    expect(JSON.stringify(events[0])).not.toContain(secret)
  })

  it("run() with onError: 'next' forwards a WebhookVerificationError instead of sending", async () => {
    const { flow } = flowWith({ onError: 'next' })
    const r = recorder({ body: new TextEncoder().encode(body), headers: {} })
    await flow.run(r.hooks)
    expect(r.sent).toEqual([])
    expect(r.forwarded).toHaveLength(1)
    expect(r.forwarded[0]).toMatchObject({ name: 'WebhookVerificationError', code: 'MISSING_SIGNATURE', status: 401 })
  })

  it.each([
    ['a string', 'the body'],
    ['undefined', undefined],
    ['a number', 42],
    ['a plain object', { code: 'BODY_TOO_LARGE' }],
  ])(
    'run() with an adapter read that gives %s (neither bytes nor a failure) answers 400 INVALID_PAYLOAD, never a crash',
    async (_what, read) => {
      const { flow, events } = flowWith()
      const r = recorder(await orchestDelivery())
      r.hooks.readBody = async () => read as unknown as Uint8Array
      await flow.run(r.hooks)
      expect(r.calls()).toBe(0)
      expect(r.sent.map((s) => [s.status, JSON.parse(s.body).code])).toEqual([[400, 'INVALID_PAYLOAD']])
      expect(events).toMatchObject([{ type: 'rejected', code: 'INVALID_PAYLOAD', status: 400 }])
    },
  )

  it('run() with a body failure from the adapter answers with that code and skips verification', async () => {
    const { flow, events } = flowWith()
    const r = recorder(await orchestDelivery())
    r.hooks.readBody = async () => fail('BODY_TOO_LARGE', 'The body exceeds the 10 byte limit')
    await flow.run(r.hooks)
    expect(r.calls()).toBe(0)
    expect(r.sent[0]?.status).toBe(413)
    expect(JSON.parse(r.sent[0]?.body ?? '{}').code).toBe('BODY_TOO_LARGE')
    expect(events[0]).toMatchObject({ type: 'rejected', code: 'BODY_TOO_LARGE' })
  })

  it('run() with a repeated delivery runs the handler once and acknowledges the repeat with 200 DUPLICATE_DELIVERY', async () => {
    const { flow, events } = flowWith()
    const delivery = await orchestDelivery()
    const first = recorder(delivery)
    const second = recorder(delivery)
    await flow.run(first.hooks)
    await flow.run(second.hooks)
    expect(first.calls() + second.calls()).toBe(1)
    expect(second.sent[0]?.status).toBe(200)
    expect(second.sent[0]?.headers['content-type']).toBe('application/json')
    expect(JSON.parse(second.sent[0]?.body ?? '{}').code).toBe('DUPLICATE_DELIVERY')
    expect(events.map((e) => e.type)).toEqual(['verified', 'duplicate'])
  })

  it('run() with a duplicate arriving while the first is in its handler answers 409 with Retry-After', async () => {
    const { flow, events } = flowWith({ leaseSeconds: 30 })
    const delivery = await orchestDelivery()
    let release: (status: number) => void = () => {}
    const first = recorder(delivery, () => new Promise((resolve) => (release = resolve)))
    const running = flow.run(first.hooks)
    await vi.waitFor(() => expect(first.calls()).toBe(1))
    const second = recorder(delivery)
    await flow.run(second.hooks)
    expect(second.calls()).toBe(0)
    expect(second.sent[0]?.status).toBe(409)
    expect(second.sent[0]?.headers['retry-after']).toBe('30')
    release(200)
    await running
    expect(events.map((e) => e.type)).toEqual(['duplicate', 'verified'])
  })

  it('run() with a handler that throws releases the claim and rethrows, so the retry is processed', async () => {
    const { flow, events } = flowWith()
    const delivery = await orchestDelivery()
    const failing = recorder(delivery, async () => {
      throw new Error('database down')
    })
    await expect(flow.run(failing.hooks)).rejects.toThrow('database down')
    const retry = recorder(delivery)
    await flow.run(retry.hooks)
    expect(retry.calls()).toBe(1)
    expect(events.map((e) => [e.type, e.outcome])).toEqual([
      ['verified', 'aborted'],
      ['verified', 'completed'],
    ])
  })

  it('run() with a handler that answers 503 releases the claim; one that answers 404 completes it', async () => {
    const { flow } = flowWith()
    const delivery = await orchestDelivery()
    await flow.run(recorder(delivery, async () => 503).hooks)
    const retry = recorder(delivery, async () => 404)
    await flow.run(retry.hooks)
    expect(retry.calls()).toBe(1)
    const third = recorder(delivery)
    await flow.run(third.hooks)
    expect(third.calls()).toBe(0)
    expect(third.sent[0]?.status).toBe(200)
  })

  it('run() with a connection closed before the handler answered releases the claim', async () => {
    const { flow, events } = flowWith()
    const delivery = await orchestDelivery()
    await flow.run(recorder(delivery, async () => undefined).hooks)
    expect(events[0]).toMatchObject({ type: 'verified', outcome: 'aborted', status: undefined })
    const retry = recorder(delivery)
    await flow.run(retry.hooks)
    expect(retry.calls()).toBe(1)
  })

  it('run() with a store that fails begin answers 503 STORE_UNAVAILABLE with Retry-After', async () => {
    const broken: ReplayStore = {
      begin: () => Promise.reject(new Error('ECONNREFUSED')),
      complete: () => Promise.resolve(),
      abort: () => Promise.resolve(),
    }
    const { flow } = flowWith({ replayStore: broken })
    const r = recorder(await orchestDelivery())
    await flow.run(r.hooks)
    expect(r.calls()).toBe(0)
    expect(r.sent[0]?.status).toBe(503)
    expect(r.sent[0]?.headers['retry-after']).toBeDefined()
  })

  it('run() with a store whose complete() fails still reports the delivery and does not throw', async () => {
    const store = new MemoryReplayStore()
    store.complete = () => Promise.reject(new Error('timeout'))
    const { flow, events } = flowWith({ replayStore: store })
    await flow.run(recorder(await orchestDelivery()).hooks)
    expect(events[0]).toMatchObject({ type: 'verified', outcome: 'completed' })
  })

  it('run() with replayStore: false runs the handler for every repeat', async () => {
    const { flow } = flowWith({ replayStore: false })
    const delivery = await orchestDelivery()
    const a = recorder(delivery)
    const b = recorder(delivery)
    await flow.run(a.hooks)
    await flow.run(b.hooks)
    expect(a.calls() + b.calls()).toBe(2)
  })

  it('run() with an onEvent that throws still processes the delivery', async () => {
    const flow = createFlowWith(createVerifier, {
      provider: 'orchest',
      secret,
      onEvent: () => {
        throw new Error('logger broke')
      },
    })
    const r = recorder(await orchestDelivery())
    await expect(flow.run(r.hooks)).resolves.toBeUndefined()
    expect(r.calls()).toBe(1)
  })

  it('run() emits each event by its type on an emitter', async () => {
    const seen: string[] = []
    const { flow } = flowWith({ emitter: { emit: (name: string) => seen.push(name) } })
    const delivery = await orchestDelivery()
    await flow.run(recorder(delivery).hooks)
    await flow.run(recorder(delivery).hooks)
    await flow.run(recorder({ ...delivery, headers: {} }).hooks)
    expect(seen).toEqual(['verified', 'duplicate', 'rejected'])
  })

  it('on() subscribes a listener to one event type until it unsubscribes', async () => {
    const { flow } = flowWith()
    const rejected: string[] = []
    const off = flow.on('rejected', (e) => rejected.push(e.code ?? ''))
    const delivery = await orchestDelivery()
    await flow.run(recorder(delivery).hooks)
    await flow.run(recorder({ ...delivery, headers: {} }).hooks)
    off()
    await flow.run(recorder({ ...delivery, headers: {} }).hooks)
    expect(rejected).toEqual(['MISSING_SIGNATURE'])
    expect(() => flow.on('finished' as 'verified', () => {})).toThrow(TypeError)
  })

  it('rejected events explain() the failure lazily for server logs', async () => {
    const { flow, events } = flowWith()
    const delivery = await orchestDelivery()
    await flow.run(recorder({ ...delivery, body: new TextEncoder().encode('{"event": "ping"}') }).hooks)
    const hints = await events[0]?.explain?.()
    expect(Array.isArray(hints)).toBe(true)
  })
})

describe('adapterOptions', () => {
  it('adapterOptions() with no provider reads ORCHEST_WEBHOOK_SECRET from the environment', () => {
    vi.stubEnv('ORCHEST_WEBHOOK_SECRET', 'from-env')
    const options = adapterOptions()
    expect(options.providers).toHaveLength(1)
    expect(createVerifier(options).providers).toEqual(['orchest'])
  })

  it('adapterOptions() with no provider and no secret in the environment throws a TypeError at startup', () => {
    clearSecretEnv()
    expect(() => adapterOptions()).toThrow(TypeError)
  })

  it('adapterOptions() turns on a MemoryReplayStore by default and keeps replayStore: false', () => {
    expect(adapterOptions({ provider: 'y42', secret }).replayStore).toBeInstanceOf(MemoryReplayStore)
    expect(adapterOptions({ provider: 'y42', secret, replayStore: false }).replayStore).toBe(false)
  })

  it("adapterOptions() with onError: 'throw' throws a TypeError", () => {
    expect(() => adapterOptions({ provider: 'y42', secret, onError: 'throw' as 'next' })).toThrow(TypeError)
  })
})

describe('bodyReadFailure', () => {
  it.each([
    ['entity.too.large', 'BODY_TOO_LARGE', 413],
    ['request.aborted', 'INVALID_PAYLOAD', 400],
    ['request.size.invalid', 'INVALID_PAYLOAD', 400],
    ['stream.not.readable', 'BODY_ALREADY_PARSED', 500],
    ['something.else', 'INVALID_PAYLOAD', 400],
  ])('bodyReadFailure() maps a raw-body %s error to %s (%i)', (type, code, status) => {
    const failure = bodyReadFailure(Object.assign(new Error('x'), { type }), 1024, 'mount it first')
    expect(failure).toMatchObject({ ok: false, code, status })
  })

  it('bodyReadFailure() names the limit for BODY_TOO_LARGE and the fix for BODY_ALREADY_PARSED', () => {
    expect(bodyReadFailure({ type: 'entity.too.large' }, '1mb', 'fix').message).toContain('1mb')
    expect(bodyReadFailure({ type: 'stream.encoding.set' }, 1, 'call it before bodyParser()').message).toBe('call it before bodyParser()')
  })

  it('bodyAlreadyParsed() answers 500 with the fix and what the parser left', () => {
    const failure = bodyAlreadyParsed('Register the route before express.json()', { a: 1 })
    expect(failure).toMatchObject({ code: 'BODY_ALREADY_PARSED', status: 500 })
    expect(failure.message).toContain('express.json()')
    expect(failure.message).toContain('an object')
  })
})
