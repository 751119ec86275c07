import fc from 'fast-check'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createRouter, defineProvider, ORCHEST_EVENT_TYPES, providers, type RouteResult } from '../src/node.js'
import { orchestBody, recorder, verified } from './router-support.js'

const silent = { logger: false } as const

describe('createRouter(): dispatch by event name', () => {
  it('orchest: each of the 58 event types and ping reaches its own handler, by the payload event.type', async () => {
    const seen: string[] = []
    const router = createRouter({ provider: 'orchest', ...silent })
    for (const type of [...ORCHEST_EVENT_TYPES, 'ping'] as const) router.on(type, ({ event }) => void seen.push(event))
    for (const type of [...ORCHEST_EVENT_TYPES, 'ping']) {
      const r = await router.handle(await verified('orchest', orchestBody(type), { sign: { event: type } }))
      expect(r).toMatchObject({ status: 200, outcome: 'handled', route: type, processed: true })
    }
    expect(seen).toEqual([...ORCHEST_EVENT_TYPES, 'ping'])
    expect(ORCHEST_EVENT_TYPES).toHaveLength(58)
  })

  it('up42: job.status and order.status go to their handlers with the payload', async () => {
    const router = createRouter({ provider: 'up42', ...silent })
      .on('job.status', ({ payload }) => ({ status: 200, body: { job: payload.body.status } }))
      .on('order.status', ({ payload }) => ({ status: 200, body: { order: payload.body.status } }))
    const job = {
      event: 'job.status',
      liveMode: false,
      messageId: 'm-1',
      timestamp: new Date().toISOString(),
      body: { id: 'j', status: 'FAILED', startedAt: null, finishedAt: null },
    }
    const order = {
      event: 'order.status',
      liveMode: false,
      messageId: 'm-2',
      timestamp: new Date().toISOString(),
      body: { status: 'FULFILLED' },
    }
    expect(JSON.parse((await router.handle(await verified('up42', job))).body)).toEqual({ job: 'FAILED' })
    expect(JSON.parse((await router.handle(await verified('up42', order))).body)).toEqual({ order: 'FULFILLED' })
  })

  it('github: issues.opened wins over issues, issues takes the other actions, * the rest', async () => {
    const seen: string[] = []
    const router = createRouter({ provider: 'github', ...silent })
      .on('issues.opened', ({ event }) => void seen.push(event))
      .on('issues', ({ event, payload }) => void seen.push(`${event}:${payload.action}`))
      .on('*', ({ event }) => void seen.push(`*:${event}`))
    await router.handle(await verified('github', { action: 'opened', issue: {} }, { sign: { event: 'issues' } }))
    await router.handle(await verified('github', { action: 'closed', issue: {} }, { sign: { event: 'issues' } }))
    await router.handle(await verified('github', { action: 'created' }, { sign: { event: 'star' } }))
    await router.handle(await verified('github', { ref: 'refs/heads/main' }, { sign: { event: 'push' } }))
    expect(seen).toEqual(['issues.opened', 'issues:closed', '*:star', '*:push'])
  })

  it('standard-webhooks by type, y42 and xplenty by the payload event, designer-cloud by jobStatus', async () => {
    const seen: string[] = []
    const push = (name: string) => () => void seen.push(name)
    const sw = createRouter({ provider: 'standard-webhooks', ...silent }).on('invoice.paid', push('sw'))
    const y42 = createRouter({ provider: 'y42', ...silent }).on('orchestration.run.finished', push('y42'))
    const xplenty = createRouter({ provider: 'xplenty', ...silent }).on('job.failed', push('xplenty'))
    const dc = createRouter({ provider: 'designer-cloud', ...silent }).on('Failed', push('designer-cloud'))
    await sw.handle(await verified('standard-webhooks', { type: 'invoice.paid', timestamp: '2023-11-14T22:13:20Z', data: { id: 'in_1' } }))
    await y42.handle(await verified('y42', { event: 'orchestration.run.finished', status: 'failed' }))
    await xplenty.handle(await verified('xplenty', { id: 1, event: 'job.failed', status: 'failed' }))
    await dc.handle(await verified('designer-cloud', { jobId: '5263842', jobStatus: 'Failed' }))
    // providers-list: each route's event is its vendor's, from fixed payloads above
    expect(seen).toEqual(['sw', 'y42', 'xplenty', 'designer-cloud'])
  })

  it('a registry row with no routing row of its own (Fivetran) routes on its event name', async () => {
    const seen: string[] = []
    const router = createRouter({ provider: 'fivetran', ...silent }).on('sync_end', () => void seen.push('sync_end'))
    await router.handle(await verified('fivetran', { event: 'sync_end', created: '2026-12-01T00:00:00Z', connector_id: 'c1' }))
    await router.handle(await verified('fivetran', { event: 'sync_start', created: '2026-12-01T00:00:00Z', connector_id: 'c1' }))
    expect(seen).toEqual(['sync_end'])
    expect(() => createRouter({ provider: 'fivetrann' as never })).toThrow(/unknown provider "fivetrann".*fivetran/)
  })

  it('eventOf routes on your own key (a Designer Cloud template without $jobStatus)', async () => {
    const router = createRouter({ provider: 'designer-cloud', eventOf: (w) => (w.payload as { state?: string }).state, ...silent }).on(
      'done',
      () => 202,
    )
    expect((await router.handle(await verified('designer-cloud', { job: 1, state: 'done' }))).status).toBe(202)
  })

  it('a custom provider row routes on its event extractor', async () => {
    const acme = defineProvider({ ...providers.y42, name: 'acme' })
    const router = createRouter({ provider: acme, ...silent }).on('orchestration.run.finished', () => 202)
    const hook = await verified('y42', { event: 'orchestration.run.finished' })
    expect((await router.handle({ ...hook, provider: 'acme' })).status).toBe(202)
  })

  it('the routed webhook carries the verified fields and the original delivery', async () => {
    let got: unknown
    const router = createRouter({ provider: 'orchest', ...silent }).on('project:created', (w) => {
      got = w
    })
    const hook = await verified('orchest', orchestBody('project:created', { project: { uuid: 'p', name: 'n' } }))
    await router.handle(hook)
    expect(got).toMatchObject({
      provider: 'orchest',
      event: 'project:created',
      deliveryId: hook.deliveryId,
      payload: hook.payload,
      rawBody: hook.rawBody,
      secretIndex: 0,
      bodyAuthenticated: true,
      covered: ['body'],
      webhook: hook,
    })
  })
})

describe('handler answers', () => {
  const answer = async (reply: unknown): Promise<RouteResult> =>
    createRouter({ provider: 'y42', ...silent })
      .on('e', () => reply as never)
      .handle(await verified('y42', { event: 'e' }))

  it('nothing is 200 with an empty body; a number is that status; { status, body } sends JSON or text', async () => {
    expect(await answer(undefined)).toMatchObject({ status: 200, body: '', processed: true, outcome: 'handled', route: 'e' })
    expect(await answer(202)).toMatchObject({ status: 202, body: '' })
    expect(await answer({ status: 201, body: { id: 1 } })).toMatchObject({
      status: 201,
      body: '{"id":1}',
      headers: { 'content-type': 'application/json' },
    })
    expect(await answer({ body: 'ok' })).toMatchObject({
      status: 200,
      body: 'ok',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    })
    expect(await answer({ status: 200, headers: { 'x-job': '7' } })).toMatchObject({ headers: { 'x-job': '7' } })
  })

  it('a 5xx answer is not processed (the delivery is released); a status outside 200-599 is a TypeError', async () => {
    expect(await answer(503)).toMatchObject({ status: 503, processed: false })
    await expect(answer(99)).rejects.toThrow(TypeError)
    await expect(answer('200')).resolves.toMatchObject({ status: 200 })
    await expect(answer({ status: 700 })).rejects.toThrow(/200 to 599/)
  })

  it('a throwing handler rejects handle() with its error', async () => {
    const router = createRouter({ provider: 'y42', ...silent }).on('e', () => {
      throw new Error('database down')
    })
    await expect(router.handle(await verified('y42', { event: 'e' }))).rejects.toThrow('database down')
  })
})

describe('unknown events', () => {
  it('default: 200, processed, logged once per event name through the logger', async () => {
    const { lines, logger } = recorder()
    const router = createRouter({ provider: 'y42', logger }).on('known', () => {})
    for (const event of ['a', 'a', 'b', 'a']) {
      expect(await router.handle(await verified('y42', { event }))).toMatchObject({
        status: 200,
        outcome: 'unknown',
        processed: true,
        code: 'UNKNOWN_EVENT',
      })
    }
    expect(lines.map((l) => l.details?.event)).toEqual(['a', 'b'])
    expect(lines[0]?.message).toContain('no route for y42 event "a"')
    expect(lines[0]?.details).toMatchObject({ code: 'UNKNOWN_EVENT', provider: 'y42' })
  })

  it('the default logger is console.warn; logger: false silences it', async () => {
    const warn = console.warn
    const calls: unknown[][] = []
    console.warn = (...args: unknown[]) => void calls.push(args)
    try {
      await createRouter({ provider: 'y42' }).handle(await verified('y42', { event: 'x' }))
      await createRouter({ provider: 'y42', logger: false }).handle(await verified('y42', { event: 'x' }))
    } finally {
      console.warn = warn
    }
    expect(calls).toHaveLength(1)
  })

  it("onUnknown: 'reject' answers 422 UNKNOWN_EVENT problem+json and releases the delivery", async () => {
    const r = await createRouter({ provider: 'y42', onUnknown: 'reject', ...silent }).handle(await verified('y42', { event: 'x' }))
    expect(r).toMatchObject({ status: 422, processed: false, outcome: 'unknown', code: 'UNKNOWN_EVENT' })
    expect(r.headers['content-type']).toBe('application/problem+json')
    expect(JSON.parse(r.body)).toMatchObject({ code: 'UNKNOWN_EVENT', status: 422, title: 'Webhook event not handled' })
  })

  it('a delivery with no event name and a router for another provider are unknown', async () => {
    const router = createRouter({ provider: 'y42', onUnknown: 'reject', ...silent }).on('*', () => 202)
    expect((await router.handle(await verified('y42', { no: 'event' }))).status).toBe(202)
    const other = await verified('orchest', orchestBody('ping'))
    expect(await router.handle(other)).toMatchObject({ status: 422, code: 'UNKNOWN_EVENT' })
  })

  it('logs stay bounded: a flood of distinct names logs at most 257 lines', async () => {
    const { lines, logger } = recorder()
    const router = createRouter({ provider: 'y42', logger })
    const hook = await verified('y42', { event: 'x' })
    for (let i = 0; i < 400; i++) await router.handle({ ...hook, event: `e${i}` })
    expect(lines.length).toBeLessThanOrEqual(257)
    expect(lines.at(-1)?.message).toContain('no further ones are logged')
  })
})

const up42Job = (body: Record<string, unknown>) => ({
  event: 'job.status',
  liveMode: false,
  messageId: 'm',
  timestamp: new Date().toISOString(),
  body,
})

describe('schemas (Standard Schema: zod, valibot)', () => {
  const Job = z.object({
    event: z.literal('job.status'),
    body: z.object({
      id: z.string(),
      status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']),
      tasks: z.array(z.object({ id: z.string() })).default([]),
    }),
  })

  it('zod: a valid payload reaches the handler as the schema output (defaults applied)', async () => {
    let payload: unknown
    const router = createRouter({ provider: 'up42', ...silent }).on('job.status', { schema: Job }, (w) => {
      payload = w.payload
    })
    const r = await router.handle(await verified('up42', up42Job({ id: 'j-1', status: 'FAILED', extra: 1 })))
    expect(r).toMatchObject({ status: 200, outcome: 'handled' })
    expect(payload).toEqual({ event: 'job.status', body: { id: 'j-1', status: 'FAILED', tasks: [] } })
  })

  it('zod: a mismatch answers 422 PAYLOAD_SCHEMA_MISMATCH listing the failing paths, never the values, and is logged', async () => {
    const { lines, logger } = recorder()
    let ran = 0
    const router = createRouter({ provider: 'up42', logger }).on('job.status', { schema: Job }, () => void ran++)
    const hook = await verified('up42', up42Job({ id: 4242424242, status: 'EXPLODED-SECRETLY', tasks: [{ id: 'ok' }, { id: 9191919191 }] }))
    const r = await router.handle(hook)
    expect(ran).toBe(0)
    expect(r).toMatchObject({ status: 422, processed: false, outcome: 'invalid', code: 'PAYLOAD_SCHEMA_MISMATCH', route: 'job.status' })
    expect(r.headers['content-type']).toBe('application/problem+json')
    const problem = JSON.parse(r.body)
    expect(problem).toMatchObject({ code: 'PAYLOAD_SCHEMA_MISMATCH', status: 422, title: 'Webhook payload does not match its schema' })
    expect(problem.type).toMatch(/errors\.md#payload-schema-mismatch$/)
    expect(problem.errors).toEqual([{ pointer: '#/body/id' }, { pointer: '#/body/status' }, { pointer: '#/body/tasks/1/id' }])
    for (const value of ['4242424242', 'EXPLODED-SECRETLY', '9191919191']) {
      expect(r.body).not.toContain(value)
      expect(lines[0]?.message).not.toContain(value)
    }
    expect(lines[0]?.message).toContain('#/body/id')
    expect(lines[0]?.details).toMatchObject({ code: 'PAYLOAD_SCHEMA_MISMATCH', event: 'job.status', deliveryId: hook.deliveryId })
  })

  it('valibot, with an async check: validate() returning a Promise is awaited', async () => {
    const Order = v.objectAsync({
      event: v.literal('order.status'),
      body: v.pipeAsync(
        v.object({ status: v.string() }),
        v.checkAsync(async (b) => b.status !== 'FAILED PERMANENTLY', 'failed orders are handled elsewhere'),
      ),
    })
    const seen: string[] = []
    const router = createRouter({ provider: 'up42', ...silent }).on(
      'order.status',
      { schema: Order },
      ({ payload }) => void seen.push(payload.body.status),
    )
    const order = (status: unknown) => ({
      event: 'order.status',
      liveMode: false,
      messageId: 'm',
      timestamp: new Date().toISOString(),
      body: { status },
    })
    expect((await router.handle(await verified('up42', order('FULFILLED')))).status).toBe(200)
    const bad = await router.handle(await verified('up42', order('FAILED PERMANENTLY')))
    expect(bad.status).toBe(422)
    expect(JSON.parse(bad.body).errors).toEqual([{ pointer: '#/body' }])
    const wrongType = await router.handle(await verified('up42', order(12345)))
    expect(JSON.parse(wrongType.body).errors).toEqual([{ pointer: '#/body/status' }])
    expect(wrongType.body).not.toContain('12345')
    expect(seen).toEqual(['FULFILLED'])
  })

  it("onInvalid: 'drop' answers 200 and counts the delivery as processed, per route or for the router", async () => {
    const { lines, logger } = recorder()
    const perRoute = createRouter({ provider: 'up42', logger }).on('job.status', { schema: Job, onInvalid: 'drop' }, () => {})
    const r = await perRoute.handle(await verified('up42', up42Job({ id: 1 })))
    expect(r).toMatchObject({ status: 200, body: '', processed: true, outcome: 'invalid', code: 'PAYLOAD_SCHEMA_MISMATCH' })
    expect(lines[0]?.message).toContain("onInvalid: 'drop'")
    const forAll = createRouter({ provider: 'up42', onInvalid: 'drop', ...silent }).on('job.status', { schema: Job }, () => {})
    expect((await forAll.handle(await verified('up42', up42Job({ id: 1 })))).status).toBe(200)
  })

  it('a router-level schema applies to every route without its own, the fallback included', async () => {
    const Alert = z.object({ event: z.string(), status: z.enum(['success', 'failed', 'partial_success']) })
    const seen: unknown[] = []
    const router = createRouter({ provider: 'y42', schema: Alert, ...silent })
      .on('model.run.finished', ({ payload }) => void seen.push(payload.status))
      .on('raw', { schema: z.object({ n: z.number() }) }, ({ payload }) => void seen.push(payload.n))
      .on('*', ({ payload }) => void seen.push(`*${payload.status}`))
    await router.handle(await verified('y42', { event: 'model.run.finished', status: 'failed' }))
    await router.handle(await verified('y42', { event: 'raw', n: 3 }))
    await router.handle(await verified('y42', { event: 'export.run.finished', status: 'success' }))
    expect((await router.handle(await verified('y42', { event: 'export.run.finished', status: 'nope' }))).status).toBe(422)
    expect(seen).toEqual(['failed', 3, '*success'])
  })

  it('a non-object payload and a root-level issue give the pointer #', async () => {
    const r = await createRouter({ provider: 'y42', schema: z.object({ event: z.string() }), eventOf: () => 'x', ...silent })
      .on('x', () => {})
      .handle(await verified('y42', 'plain text', { headers: { 'content-type': 'text/plain' } }))
    expect(JSON.parse(r.body).errors).toEqual([{ pointer: '#' }])
  })

  it('pointers escape ~ and / (RFC 6901), and at most 20 are listed', async () => {
    const schema = z.object({ 'a/b': z.string(), 'c~d': z.string() })
    const r = await createRouter({ provider: 'y42', schema, eventOf: () => 'x', ...silent })
      .on('x', () => {})
      .handle(await verified('y42', { event: 'x' }))
    expect(JSON.parse(r.body).errors).toEqual([{ pointer: '#/a~1b' }, { pointer: '#/c~0d' }])
    const many = z.object(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, z.string()])))
    const r2 = await createRouter({ provider: 'y42', schema: many, eventOf: () => 'x', ...silent })
      .on('x', () => {})
      .handle(await verified('y42', { event: 'x' }))
    const problem = JSON.parse(r2.body)
    expect(problem.errors).toHaveLength(20)
    expect(problem.detail).toContain('at 30 paths')
  })
})

describe('property: a schema mismatch never echoes a value', () => {
  it('whatever values fail, the problem body and the log line hold their paths and none of the values', async () => {
    const Shape = z.object({ event: z.string(), n: z.number(), tags: z.array(z.number()), nested: z.object({ ok: z.boolean() }) })
    const marked = fc.stringMatching(/^[A-Za-z0-9]{4,12}$/).map((s) => `V4L-${s}`)
    await fc.assert(
      fc.asyncProperty(marked, marked, marked, async (a, b, c) => {
        const { lines, logger } = recorder()
        const router = createRouter({ provider: 'y42', schema: Shape, logger }).on('e', () => {})
        const r = await router.handle(await verified('y42', { event: 'e', n: a, tags: [1, b], nested: { ok: c } }))
        expect(r.status).toBe(422)
        expect(JSON.parse(r.body).errors).toEqual([{ pointer: '#/n' }, { pointer: '#/tags/1' }, { pointer: '#/nested/ok' }])
        for (const value of [a, b, c]) {
          expect(r.body).not.toContain(value)
          expect(lines[0]?.message).not.toContain(value)
        }
      }),
      { numRuns: 25 },
    )
  })
})

describe('configuration errors throw TypeError at startup', () => {
  it('unknown provider, bad options, a typo in a closed event list, a second handler, a non-schema', () => {
    expect(() => createRouter({ provider: 'acme' as never })).toThrow(/unknown provider "acme"/)
    expect(() => createRouter({ provider: 'y42', onUnknown: 'drop' as never })).toThrow(TypeError)
    expect(() => createRouter({ provider: 'y42', onInvalid: 'ignore' as never })).toThrow(TypeError)
    expect(() => createRouter({ provider: 'y42', logger: {} as never })).toThrow(/warn/)
    expect(() => createRouter({ provider: 'y42', schema: {} as never })).toThrow(/Standard Schema/)
    expect(() => createRouter({ provider: 'orchest' }).on('project:cron-job:succeeded' as never, () => {})).toThrow(
      /orchest sends no such event/,
    )
    expect(() => createRouter({ provider: 'up42' }).on('job.created' as never, () => {})).toThrow(TypeError)
    expect(() =>
      createRouter({ provider: 'y42' })
        .on('a', () => {})
        .on('a', () => {}),
    ).toThrow(/already has a handler/)
    expect(() => createRouter({ provider: 'y42' }).on('a', { schema: z.string() } as never)).toThrow(/handler must be a function/)
    expect(() => createRouter({ provider: 'y42' }).on('a', { schema: {} } as never, () => {})).toThrow(/Standard Schema/)
    expect(() => createRouter({ provider: 'y42' }).on('', () => {})).toThrow(TypeError)
  })
})
