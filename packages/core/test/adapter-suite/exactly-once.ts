import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { type Delivery, delivery, SECRETS } from './deliveries.js'
import { type AdapterFixture, listen, rawRequest, receiver, send } from './fixture.js'

const secret = SECRETS.orchest
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function head(d: Delivery, contentLength: number): string {
  const lines = [`POST /hook HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries(d.headers).map(([k, v]) => `${k}: ${v}`)]
  lines.push(`Content-Length: ${contentLength}`)
  return `${lines.join('\r\n')}\r\n\r\n`
}

/** A handler that takes `ms` and then answers `status`; counts the runs that started and ended. */
function slowReceiver(fixture: AdapterFixture, ms: number, status: number, leaseSeconds?: number) {
  let ended = 0
  const r = receiver(fixture, { provider: 'orchest', secret, ...(leaseSeconds ? { leaseSeconds } : {}) }, async (reply) => {
    await sleep(ms)
    ended++
    reply(status)
  })
  return { ...r, ended: () => ended }
}

/**
 * The vendor's side of "the client gave up": sends the delivery on a raw socket and destroys the
 * socket after `after` ms, while the handler is still running, as Orchest does after its 5 s read timeout.
 */
async function sendAndDisconnect(port: number, d: Delivery, after: number) {
  const raw = rawRequest(port, head(d, Buffer.byteLength(d.body)), d.body)
  await sleep(after)
  raw.socket.destroy()
}

/** What the retries got: status, Retry-After and code. */
async function retries(server: Parameters<typeof send>[0], d: Delivery, count: number, gap: number) {
  const seen: Array<[number, string | undefined, string | undefined]> = []
  for (let i = 0; i < count; i++) {
    const res = await send(server, d)
    seen.push([res.status, res.headers['retry-after'], res.body?.code])
    await sleep(gap)
  }
  return seen
}

/**
 * Registers the exactly-once attacks (issue #13): a sender that times out and retries while the
 * handler still runs, a handler slower than `leaseSeconds`, and a property over random timings.
 */
export function exactlyOnceTests(fixture: AdapterFixture): void {
  describe('exactly once under client timeouts and slow handlers', () => {
    it('verifyWebhook() with a client that disconnects at 150 ms of a 1 s handler runs it once: retries during it get 409 + Retry-After, the one after it 200', async () => {
      const { app, calls, events, ended } = slowReceiver(fixture, 1_000, 200)
      const server = await listen(app)
      try {
        const d = await delivery('orchest')
        await sendAndDisconnect(server.port, d, 150)
        expect(calls).toHaveLength(1)
        const during = await retries(server.server, d, 4, 60)
        expect(ended()).toBe(0)
        expect(during).toEqual(during.map(() => [409, '60', 'DUPLICATE_DELIVERY']))
        await vi.waitFor(() => expect(events.filter((e) => e.type === 'verified')).toHaveLength(1), { timeout: 3_000 })
        expect(events.find((e) => e.type === 'verified')).toMatchObject({ outcome: 'completed', status: 200 })
        const after = await send(server.server, d)
        expect([after.status, after.body.code]).toEqual([200, 'DUPLICATE_DELIVERY'])
        expect(calls).toHaveLength(1)
      } finally {
        await server.close()
      }
    })

    it('verifyWebhook() with a client that disconnects and a handler that then answers 503 releases the claim, so the retry runs', async () => {
      let first = true
      const { app, calls, events } = receiver(fixture, { provider: 'orchest', secret }, async (reply) => {
        if (first) {
          first = false
          await sleep(300)
          return reply(503)
        }
        reply(200)
      })
      const server = await listen(app)
      try {
        const d = await delivery('orchest')
        await sendAndDisconnect(server.port, d, 100)
        expect((await send(server.server, d)).status).toBe(409)
        await vi.waitFor(() => expect(events.filter((e) => e.type === 'verified')).toHaveLength(1), { timeout: 3_000 })
        expect(events.find((e) => e.type === 'verified')).toMatchObject({ outcome: 'aborted', status: 503 })
        expect((await send(server.server, d)).status).toBe(200)
        expect(calls).toHaveLength(2)
      } finally {
        await server.close()
      }
    })

    it('verifyWebhook({ leaseSeconds: 0.3 }) with a 1 s handler renews the lease: retries during it get 409, the handler runs once', async () => {
      const { app, calls, events } = slowReceiver(fixture, 1_000, 204, 0.3)
      const server = await listen(app)
      try {
        const d = await delivery('orchest')
        const first = send(server.server, d).then((r) => r.status)
        await vi.waitFor(() => expect(calls).toHaveLength(1))
        const during = await retries(server.server, d, 6, 120)
        expect(during).toEqual(during.map(() => [409, '1', 'DUPLICATE_DELIVERY']))
        expect(await first).toBe(204)
        await vi.waitFor(() => expect(events.filter((e) => e.type === 'verified')).toHaveLength(1))
        expect((await send(server.server, d)).status).toBe(200)
        expect(calls).toHaveLength(1)
      } finally {
        await server.close()
      }
    })

    it('property: whenever the client disconnects and however many retries follow, the handler runs once', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 10, max: 200 }), fc.integer({ min: 1, max: 3 }), async (disconnectAt, count) => {
          const { app, calls, events } = slowReceiver(fixture, 300, 200, 0.15)
          const server = await listen(app)
          try {
            const d = await delivery('orchest')
            await sendAndDisconnect(server.port, d, disconnectAt)
            const during = await retries(server.server, d, count, 10)
            await vi.waitFor(() => expect(events.filter((e) => e.type === 'verified')).toHaveLength(1), { timeout: 3_000 })
            const after = await send(server.server, d)
            expect(calls).toHaveLength(1)
            // each retry met the claim while the handler ran, or (when it raced the end) the done key
            for (const [status] of during) expect([409, 200]).toContain(status)
            expect(after.status).toBe(200)
          } finally {
            await server.close()
          }
        }),
        { numRuns: 4 },
      )
      // four runs of real handlers and retries: seconds of real waiting, more on a loaded machine
    }, 30_000)
  })
}
