import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createDelivery } from '../src/events.js'
import { buildCase } from '../src/faults/cases.js'
import { signDelivery } from '../src/sign.js'
import { designerCloudEvent } from '../src/vendors/designer-cloud.js'
import { retryPolicy, vendorRetries } from '../src/vendors/index.js'
import { ORCHEST_RETRY, orchestEvent } from '../src/vendors/orchest.js'
import { standardWebhooksEvent } from '../src/vendors/standard-webhooks.js'
import { NO_RETRY } from '../src/wire/retry.js'
import { fakeClock, isUnreachable, send } from '../src/wire/send.js'
import type { FetchLike } from '../src/wire/transport.js'
import { startReceiver, TEST_SECRETS, type TestReceiver } from './receiver.js'

let receiver: TestReceiver
beforeAll(async () => {
  receiver = await startReceiver()
})
afterAll(() => receiver.close())
beforeEach(() => {
  receiver.recorded.length = 0
  receiver.failNext(0)
})

const orchestSecret = TEST_SECRETS.orchest.current
const failedRun = () => orchestEvent({ type: 'project:one-off-job:pipeline-run:failed', seed: `send-${Math.random()}` })

describe('retry policies', () => {
  it('Orchest waits min(2^n, 3600) s after the n-th failure and never gives up', () => {
    expect([1, 2, 3, 11, 12, 40].map((n) => ORCHEST_RETRY.delayMs(n))).toEqual([2000, 4000, 8000, 2_048_000, 3_600_000, 3_600_000])
    expect(ORCHEST_RETRY.maxAttempts).toBe(Number.POSITIVE_INFINITY)
  })

  it("'vendor' is Orchest's for orchest, none for GitHub, and refused where nothing is published", () => {
    expect(retryPolicy('orchest', 'vendor')).toBe(ORCHEST_RETRY)
    expect(retryPolicy('github', 'vendor')).toBe(NO_RETRY)
    // providers-list: the vendors that publish no retry policy, written apart from the vendor files
    for (const p of ['y42', 'up42', 'designer-cloud', 'xplenty', 'standard-webhooks'] as const) {
      expect(vendorRetries()[p]).toBeUndefined()
      expect(() => retryPolicy(p, 'vendor')).toThrow(/publishes no retry policy.*retries/)
    }
  })

  it('{ retries } gives retries + 1 attempts and Orchest-style backoff unless delayMs is set', () => {
    expect(retryPolicy('y42', { retries: 2 }).maxAttempts).toBe(3)
    expect(retryPolicy('y42', { retries: 2 }).delayMs(3)).toBe(8000)
    expect(retryPolicy('y42', { retries: 2, delayMs: 5 }).delayMs(3)).toBe(5)
    expect(retryPolicy('y42', { retries: 2, delayMs: (n) => n * 10 }).delayMs(3)).toBe(30)
    expect(() => retryPolicy('y42', { retries: -1 })).toThrow(TypeError)
    expect(() => retryPolicy('y42', { retries: 1.5 })).toThrow(TypeError)
  })
})

describe('send() over HTTP', () => {
  it('sends the vendor method, headers and exact body bytes', async () => {
    const signed = await signDelivery(failedRun(), { secret: orchestSecret })
    const result = await send(signed, { url: `${receiver.url}/flaky` })
    expect(result.ok).toBe(true)
    expect(result.attempts).toHaveLength(1)
    expect(result.attempts[0]).toMatchObject({ attempt: 1, status: 204, ok: true })
    const [got] = receiver.recorded
    expect(got?.method).toBe('POST')
    expect(got?.headers['content-type']).toBe('application/json')
    expect(got?.headers['user-agent']).toBe('Orchest')
    expect(got?.headers['x-orchest-delivery']).toBe(signed.deliveryId)
    expect(got?.headers['x-hub-signature']).toBe(signed.headers['X-Hub-Signature'])
    expect(got?.headers['content-length']).toBe(String(signed.body.length))
    expect(Buffer.compare(got!.body, Buffer.from(signed.body))).toBe(0)
  })

  it('a valid delivery to a verifying route is answered 202 and the handler runs once', async () => {
    const before = receiver.handled()
    const signed = await signDelivery(failedRun(), { secret: orchestSecret })
    const result = await send(signed, { url: `${receiver.url}/webhooks/orchest` })
    expect(result.attempts.map((a) => a.status)).toEqual([202])
    expect(result.attempts[0]?.body).toBe('{"received":true}')
    expect(result.attempts[0]?.headers['content-type']).toBe('application/json')
    expect(receiver.handled()).toBe(before + 1)
  })

  it('a receiver failing twice then succeeding gets exactly three attempts with one delivery id; sleeps 2 s then 4 s', async () => {
    receiver.failNext(2)
    const signed = await signDelivery(failedRun(), { secret: orchestSecret })
    const clock = fakeClock(1_700_000_000_000)
    const result = await send(signed, { url: `${receiver.url}/flaky`, retry: 'vendor', clock })
    expect(result.attempts.map((a) => a.status)).toEqual([503, 503, 204])
    expect(result.ok).toBe(true)
    expect(clock.sleeps).toEqual([2000, 4000])
    expect(result.attempts.map((a) => a.retryInMs)).toEqual([2000, 4000, undefined])
    expect(result.attempts.map((a) => a.at)).toEqual([1_700_000_000_000, 1_700_000_002_000, 1_700_000_006_000])
    expect(receiver.recorded).toHaveLength(3)
    const ids = new Set(receiver.recorded.map((r) => r.headers['x-orchest-delivery']))
    expect([...ids]).toEqual([signed.deliveryId])
    // Orchest's signature covers the body only: every retry is the same bytes under the same MAC
    const sigs = new Set(receiver.recorded.map((r) => r.headers['x-hub-signature']))
    expect(sigs.size).toBe(1)
    expect(new Set(receiver.recorded.map((r) => r.body.toString('hex'))).size).toBe(1)
  })

  it('maxAttempts bounds the endless Orchest policy; the result says it failed', async () => {
    receiver.failNext(100)
    const clock = fakeClock()
    const seen: number[] = []
    const signed = await signDelivery(failedRun(), { secret: orchestSecret })
    const result = await send(signed, {
      url: `${receiver.url}/flaky`,
      retry: 'vendor',
      maxAttempts: 5,
      clock,
      onAttempt: (a) => seen.push(a.attempt),
    })
    expect(result.ok).toBe(false)
    expect(result.attempts.map((a) => a.status)).toEqual([503, 503, 503, 503, 503])
    expect(clock.sleeps).toEqual([2000, 4000, 8000, 16000])
    expect(seen).toEqual([1, 2, 3, 4, 5])
  })

  it("retry 'none' (the default) sends once even on 503", async () => {
    receiver.failNext(1)
    const signed = await signDelivery(failedRun(), { secret: orchestSecret })
    const clock = fakeClock()
    const result = await send(signed, { url: `${receiver.url}/flaky`, clock })
    expect(result.attempts.map((a) => a.status)).toEqual([503])
    expect(clock.sleeps).toEqual([])
  })

  it('resign re-signs each retry at the clock time (a Standard Webhooks attempt carries its own timestamp)', async () => {
    receiver.failNext(1)
    const secret = TEST_SECRETS['standard-webhooks'].current
    const clock = fakeClock(1_700_000_000_000)
    const signed = await signDelivery(standardWebhooksEvent({ seed: 'resign' }), { secret, now: clock.now() })
    const result = await send(signed, {
      url: `${receiver.url}/flaky`,
      retry: { retries: 1, delayMs: 30_000 },
      clock,
      resign: { secret },
    })
    expect(result.attempts.map((a) => a.status)).toEqual([503, 204])
    const [first, second] = receiver.recorded
    expect(first?.headers['webhook-id']).toBe(second?.headers['webhook-id'])
    expect(first?.headers['webhook-timestamp']).toBe('1700000000')
    expect(second?.headers['webhook-timestamp']).toBe('1700000030')
    expect(first?.headers['webhook-signature']).not.toBe(second?.headers['webhook-signature'])
  })

  it('times out an attempt that gets no answer and reports it as a timeout', async () => {
    const signed = await signDelivery(failedRun(), { secret: orchestSecret })
    const result = await send(signed, { url: `${receiver.url}/hang`, timeoutMs: 150 })
    expect(result.ok).toBe(false)
    expect(result.attempts[0]?.status).toBeUndefined()
    expect(result.attempts[0]?.error).toMatchObject({ kind: 'timeout', message: expect.stringMatching(/150 ms/) })
    expect(isUnreachable(result.attempts[0]!)).toBe(false)
  })

  it('a timed-out attempt is retried like a non-2xx one', async () => {
    const signed = await signDelivery(failedRun(), { secret: orchestSecret })
    const clock = fakeClock()
    const result = await send(signed, { url: `${receiver.url}/hang`, timeoutMs: 100, retry: 'vendor', maxAttempts: 2, clock })
    expect(result.attempts.map((a) => a.error?.kind)).toEqual(['timeout', 'timeout'])
    expect(clock.sleeps).toEqual([2000])
    expect(receiver.recorded).toHaveLength(2)
  })

  // Orchest's 5 s is per connect and per read, not overall: see orchest-wire.test.ts
  it.each([['Designer Cloud', 30_000, () => designerCloudEvent({ seed: 1 })]] as const)(
    'uses the vendor timeout by default, as one deadline: %s %i ms',
    async (_, ms, make) => {
      // fake timers: the deadline is observed without waiting for it
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
      try {
        const hanging: FetchLike = (_url, init) =>
          new Promise<Response>((_resolve, reject) => {
            init.signal?.addEventListener('abort', () => reject(new Error('aborted')))
          })
        const signed = await signDelivery(make(), { secret: 's' })
        let done = false
        const pending = send(signed, { url: 'http://127.0.0.1:1/x', fetch: hanging }).finally(() => {
          done = true
        })
        await vi.advanceTimersByTimeAsync(ms - 1)
        expect(done).toBe(false)
        await vi.advanceTimersByTimeAsync(1)
        const result = await pending
        expect(result.attempts[0]?.error).toMatchObject({ kind: 'timeout', message: `no complete response within ${ms} ms` })
      } finally {
        vi.useRealTimers()
      }
    },
  )

  it('a connection refused is a network error that counts as unreachable', async () => {
    const signed = await signDelivery(failedRun(), { secret: orchestSecret })
    const result = await send(signed, { url: 'http://127.0.0.1:9/hook' })
    expect(result.attempts[0]?.error).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' })
    expect(isUnreachable(result.attempts[0]!)).toBe(true)
  })

  it('throws TypeError for a missing or non-http URL and for vendor retries nobody published', async () => {
    const d = createDelivery('y42', { seed: 1 })
    await expect(send(d)).rejects.toThrow(/needs a url/)
    await expect(send(d, { url: 'ftp://x/' })).rejects.toThrow(/http/)
    await expect(send(d, { url: 'not a url' })).rejects.toThrow(TypeError)
    await expect(send(d, { url: 'http://127.0.0.1:9/', retry: 'vendor' })).rejects.toThrow(/y42 publishes no retry policy/)
    await expect(send(d, { url: 'http://127.0.0.1:9/', maxAttempts: 0 })).rejects.toThrow(/maxAttempts/)
  })

  it('Designer Cloud GET carries no body and signs the URL it is sent to', async () => {
    const url = `${receiver.url}/webhooks/designer-cloud?job=1`
    const c = await buildCase(designerCloudEvent({ method: 'GET', url, seed: 'get' }), 'valid', {
      secret: TEST_SECRETS['designer-cloud'].current,
    })
    const result = await send(c.requests[0]!, { url })
    expect(result.attempts.map((a) => a.status)).toEqual([202])
  })

  it('works through a fetch implementation too (global fetch)', async () => {
    const signed = await signDelivery(failedRun(), { secret: orchestSecret })
    const result = await send(signed, { url: `${receiver.url}/webhooks/orchest`, fetch: globalThis.fetch })
    expect(result.attempts.map((a) => a.status)).toEqual([202])
  })
})

describe('send() against a server that closes the connection', () => {
  it('reports ECONNRESET as a network error without throwing', async () => {
    const server = createServer((req) => req.socket.destroy())
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const { port } = server.address() as AddressInfo
      const signed = await signDelivery(failedRun(), { secret: orchestSecret })
      const result = await send(signed, { url: `http://127.0.0.1:${port}/` })
      expect(result.attempts[0]?.error?.kind).toBe('network')
      expect(isUnreachable(result.attempts[0]!)).toBe(false)
    } finally {
      server.close()
    }
  })
})
