import { createHmac } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { signDelivery } from '../src/sign.js'
import { designerCloudEvent } from '../src/vendors/designer-cloud.js'
import { ORCHEST_EVENT_TYPES, orchestEvent, orchestPing } from '../src/vendors/orchest.js'
import { send } from '../src/wire/send.js'
import type { FetchLike } from '../src/wire/transport.js'

// Orchest as its own code sends (orchest-api app/core/notifications/webhooks.py): a bare
// requests.Request prepared and sent with session.send(request, timeout=5). No Session defaults
// are merged, so no Accept and no gzip; Python's http.client adds Host and
// Accept-Encoding: identity; requests' timeout=5 bounds the connect and each read, not the whole.

const secret = 'test-secret-1'
let server: Server | undefined
afterEach(async () => {
  if (server === undefined) return
  server.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve))
  server = undefined
})

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler)
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
}

/** A server that records each request's raw header list and body, then answers 204. */
async function recorder(): Promise<{ url: string; seen: Array<{ raw: string[]; body: Buffer }> }> {
  const seen: Array<{ raw: string[]; body: Buffer }> = []
  const url = await listen((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      seen.push({ raw: req.rawHeaders, body: Buffer.concat(chunks) })
      res.writeHead(204).end()
    })
  })
  return { url, seen }
}

const pairs = (raw: string[]) => raw.flatMap((v, i) => (i % 2 === 0 ? [[v, raw[i + 1] as string]] : []))

describe('Orchest on the wire', () => {
  it.each([
    ['application/json', false],
    ['application/x-www-form-urlencoded', false],
    ['application/json', true],
  ] as const)(
    '%s (legacy header: %s): exactly Host, Accept-Encoding: identity, Content-Length, Content-Type, X-Orchest-*, the signature and User-Agent, in http.client order',
    async (contentType, legacyHeader) => {
      const { url, seen } = await recorder()
      const d = orchestEvent({ type: 'project:cron-job:run:failed', contentType, seed: 'wire', deliveryId: 'd-1' })
      const result = await send(await signDelivery(d, { secret, legacyHeader }), { url })
      expect(result.ok).toBe(true)
      const [got] = seen
      const oracle = createHmac('sha256', secret)
        .update(got?.body as Buffer)
        .digest('hex')
      expect(pairs(got?.raw ?? [])).toEqual([
        ['Host', new URL(url).host],
        ['Accept-Encoding', 'identity'],
        ['Content-Length', String(d.body.length)],
        ['Content-Type', contentType],
        ['X-Orchest-Event', 'project:cron-job:run:failed'],
        ['X-Orchest-Delivery', 'd-1'],
        [legacyHeader ? 'X-Orchest-Signature' : 'X-Hub-Signature', oracle],
        ['User-Agent', 'Orchest'],
      ])
      expect(Buffer.from(d.body).equals(got?.body as Buffer)).toBe(true)
    },
  )

  it('the ping goes out with the same header set', async () => {
    const { url, seen } = await recorder()
    await send(await signDelivery(orchestPing({ seed: 2 }), { secret }), { url })
    expect(pairs(seen[0]?.raw ?? []).map(([name]) => name)).toEqual([
      'Host',
      'Accept-Encoding',
      'Content-Length',
      'Content-Type',
      'X-Orchest-Event',
      'X-Orchest-Delivery',
      'X-Hub-Signature',
      'User-Agent',
    ])
  })
})

describe("Orchest's 58 event types", () => {
  // the rows orchest-api's migrations insert into event_types (models/_events.py lists them)
  const MIGRATIONS = [
    ...['created', 'started', 'deleted', 'cancelled', 'failed', 'succeeded', 'updated'].map((s) => `project:one-off-job:${s}`),
    ...['created', 'started', 'cancelled', 'failed', 'deleted', 'succeeded'].map((s) => `project:one-off-job:pipeline-run:${s}`),
    // 92dcc9963a9c_.py: "Note the lack of ('project:cron-job:succeeded'), that's because cronjobs never succeed."
    ...['created', 'started', 'deleted', 'cancelled', 'failed', 'paused', 'unpaused', 'updated'].map((s) => `project:cron-job:${s}`),
    ...['started', 'succeeded', 'failed'].map((s) => `project:cron-job:run:${s}`),
    ...['created', 'started', 'cancelled', 'failed', 'deleted', 'succeeded'].map((s) => `project:cron-job:run:pipeline-run:${s}`),
    ...['created', 'started', 'cancelled', 'failed', 'succeeded'].map((s) => `jupyter:image-build:${s}`),
    ...['started', 'stopped', 'service-restarted', 'failed', 'succeeded'].map((s) => `project:pipeline:interactive-session:${s}`),
    ...['created', 'started', 'cancelled', 'failed', 'succeeded'].map((s) => `project:pipeline:interactive-session:pipeline-run:${s}`),
    'project:created',
    'project:updated',
    'project:deleted',
    'project:pipeline:created',
    'project:pipeline:updated',
    'project:pipeline:deleted',
    'project:environment:created',
    'project:environment:deleted',
    ...['created', 'started', 'cancelled', 'failed', 'succeeded'].map((s) => `project:environment:image-build:${s}`),
  ]

  it('are exactly the migrations’ rows, and project:cron-job:succeeded is not one', () => {
    expect(MIGRATIONS).toHaveLength(58)
    expect([...ORCHEST_EVENT_TYPES].sort()).toEqual([...MIGRATIONS].sort())
    // @ts-expect-error cron jobs never succeed
    expect(() => orchestEvent({ type: 'project:cron-job:succeeded' })).toThrow(TypeError)
  })
})

describe("Orchest's timeout: connect and each read, not the whole response (requests' timeout=)", () => {
  // 1/10 of the real scale: a 500 ms timeout, a byte every 100 ms for 800 ms (1 s and 8 s at 5 s)
  const T = 500
  const trickle = (res: ServerResponse, bytes: number, everyMs: number) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' })
    let sent = 0
    const tick = setInterval(() => {
      res.write('x')
      if (++sent === bytes) {
        clearInterval(tick)
        res.end()
      }
    }, everyMs)
    res.on('close', () => clearInterval(tick))
  }
  const drain = (req: IncomingMessage, then: () => void) => {
    req.resume()
    req.on('end', then)
  }
  const signedPing = () => signDelivery(orchestPing({ seed: 3 }), { secret })

  it('a response trickling one byte per 0.2 T for 1.6 T does not time out', async () => {
    const url = await listen((req, res) => drain(req, () => trickle(res, 8, T / 5)))
    const result = await send(await signedPing(), { url, timeoutMs: T })
    expect(result.attempts[0]).toMatchObject({ status: 200, ok: true, body: 'xxxxxxxx' })
    expect(result.attempts[0]?.durationMs).toBeGreaterThan(1.5 * T)
  })

  it('a server that accepts and then says nothing for longer than T times out', async () => {
    const url = await listen((req) => drain(req, () => {}))
    const result = await send(await signedPing(), { url, timeoutMs: T })
    expect(result.attempts[0]?.error).toEqual({ kind: 'timeout', message: `nothing received for ${T} ms` })
    expect(result.attempts[0]?.durationMs).toBeLessThan(3 * T)
  })

  it('a server that goes silent mid-body for longer than T times out', async () => {
    const url = await listen((req, res) =>
      drain(req, () => {
        res.writeHead(200)
        res.write('x')
      }),
    )
    const result = await send(await signedPing(), { url, timeoutMs: T })
    expect(result.attempts[0]?.error).toMatchObject({ kind: 'timeout', message: `nothing received for ${T} ms` })
  })

  it('the default is Orchest’s 5 s per read, from the delivery', async () => {
    expect(orchestPing().timeoutMs).toBe(5000)
    expect(orchestPing().timeoutMode).toBe('connect-and-read')
  })

  it('other vendors keep one overall deadline: the same trickle times out for Designer Cloud', async () => {
    const url = await listen((req, res) => drain(req, () => trickle(res, 8, T / 5)))
    const d = await signDelivery(designerCloudEvent({ seed: 1 }), { secret })
    const result = await send(d, { url, timeoutMs: T })
    expect(result.attempts[0]?.error).toEqual({ kind: 'timeout', message: `no complete response within ${T} ms` })
  })

  it('through a caller’s fetch: a trickling body does not time out, a stalled one does', async () => {
    const body = (chunks: number, stallAfter?: number) =>
      new ReadableStream<Uint8Array>({
        async start(controller) {
          for (let i = 0; i < chunks; i++) {
            if (i === stallAfter) return // never closes
            await new Promise((r) => setTimeout(r, T / 5))
            controller.enqueue(new Uint8Array([120]))
          }
          controller.close()
        },
      })
    const fetchWith =
      (stream: () => ReadableStream<Uint8Array>): FetchLike =>
      async (_url, init) => {
        const res = new Response(stream(), { status: 200 })
        init.signal?.addEventListener('abort', () => void res.body?.cancel().catch(() => {}))
        return res
      }
    const ok = await send(await signedPing(), { url: 'http://127.0.0.1:1/x', timeoutMs: T, fetch: fetchWith(() => body(8)) })
    expect(ok.attempts[0]).toMatchObject({ status: 200, body: 'xxxxxxxx' })
    const stalled = await send(await signedPing(), { url: 'http://127.0.0.1:1/x', timeoutMs: T, fetch: fetchWith(() => body(8, 2)) })
    expect(stalled.attempts[0]?.error).toMatchObject({ kind: 'timeout' })
  })
})
