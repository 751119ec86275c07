import { afterEach, describe, expect, it, vi } from 'vitest'
import * as web from '../src/index.js'
import { MemoryReplayStore, toResponse, WebhookVerificationError } from '../src/index.js'
import { backends } from './backends.js'

// Node 20's own Request and Response (undici), as a Next.js route handler or `node --import` server sees them.
const T = 1_700_000_000_000
const secret = 'test-secret-1'
const PING =
  '{"delivered_for": {"name": "Test webhook", "verify_ssl": false, "content_type": "application/json", "uuid": "a1edb89c-1cfb-4086-8f75-ab073612c5bf", "type": "webhook"}, "event": {"type": "ping", "uuid": "08bd2a31-9b17-4d1b-83ba-b4538a970dee", "timestamp": "2022-06-02 16:12:25.242592+00:00"}}'
const PING_SIG = '013a0a24404eb66602371fcd644128bdcad404afc5a6cf1c333366472ee7b330'
const DC_BODY = '{"jobId":"5263842","jobStatus":"Complete"}'
const DC_SIG = 't=1700000000000,sha256=d27803d9c29d0e60487e46c4e0457642a0405872d5c7799635ef60b7a0f630a3'
const orchest = { provider: 'orchest', secret } as const
const designer = { provider: 'designer-cloud', secret, now: () => T } as const

function post(body: BodyInit | null, headers: HeadersInit, url = 'https://hooks.example.com/webhooks'): Request {
  return new Request(url, { method: 'POST', body, headers })
}

async function rejection(promise: Promise<unknown>): Promise<WebhookVerificationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(WebhookVerificationError)
  return error as WebhookVerificationError
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe.each(backends)('verifyRequest (%s)', (_name, api) => {
  it('verifies the published orchest-ping vector and reads the body once', async () => {
    const request = post(PING, { 'content-type': 'application/json', 'x-hub-signature': PING_SIG, 'x-orchest-event': 'ping' })
    const hook = await api.verifyRequest<{ event: { uuid: string } }>(request, orchest)
    expect(hook.payload.event.uuid).toBe('08bd2a31-9b17-4d1b-83ba-b4538a970dee')
    expect(new TextDecoder().decode(hook.rawBody)).toBe(PING)
    expect(hook.event).toBe('ping')
    expect(request.bodyUsed).toBe(true)
  })

  it('verifies the published designer-cloud-post vector with the clock at its t', async () => {
    const hook = await api.verifyRequest(post(DC_BODY, { 'content-type': 'application/json', 'x-webhook-signature': DC_SIG }), designer)
    expect(hook.payload).toEqual({ jobId: '5263842', jobStatus: 'Complete' })
    expect(hook.timestamp).toBe(T)
  })

  it('verifies a binary body from a ReadableStream byte for byte', async () => {
    const bytes = Uint8Array.from([0, 255, 128, 0xc3, 0x28])
    const headers = await api.sign('designer-cloud', { secret, body: bytes, now: T })
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 2))
        controller.enqueue(bytes.slice(2))
        controller.close()
      },
    })
    const request = new Request('https://hooks.example.com/', { method: 'POST', body: stream, headers, duplex: 'half' } as RequestInit)
    const hook = await api.verifyRequest(request, designer)
    expect([...hook.rawBody]).toEqual([0, 255, 128, 0xc3, 0x28])
  })

  it('a tampered body is SIGNATURE_MISMATCH, answered 401 problem+json without the signature', async () => {
    const request = post(PING.replace('ping', 'pong'), { 'content-type': 'application/json', 'x-hub-signature': PING_SIG })
    const error = await rejection(api.verifyRequest(request, orchest))
    expect(error.code).toBe('SIGNATURE_MISMATCH')
    const response = toResponse(error)
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    const text = await response.text()
    expect(JSON.parse(text)).toMatchObject({ code: 'SIGNATURE_MISMATCH', status: 401 })
    expect(text).not.toContain(PING_SIG)
  })

  it('a designer-cloud t 301 s old is TIMESTAMP_TOO_OLD (401)', async () => {
    const request = post(DC_BODY, { 'content-type': 'application/json', 'x-webhook-signature': DC_SIG })
    const error = await rejection(api.verifyRequest(request, { ...designer, now: () => T + 301_000 }))
    expect(error.code).toBe('TIMESTAMP_TOO_OLD')
    expect(error.status).toBe(401)
  })

  it('a signature header sent twice (Headers joins it with ", ") is MALFORMED_SIGNATURE (400)', async () => {
    for (const [options, name, value, body] of [
      [orchest, 'x-hub-signature', PING_SIG, PING],
      [designer, 'x-webhook-signature', DC_SIG, DC_BODY],
    ] as const) {
      const headers = new Headers({ 'content-type': 'application/json' })
      headers.append(name, value)
      headers.append(name, value)
      const error = await rejection(api.verifyRequest(post(body, headers), options))
      expect(error.code).toBe('MALFORMED_SIGNATURE')
      expect(toResponse(error).status).toBe(400)
    }
  })

  it('a Designer Cloud GET is verified over request.url', async () => {
    const url = 'https://hooks.example.com/webhooks/designer-cloud?jobId=5263842&jobStatus=Complete'
    const headers = await api.sign('designer-cloud', { secret, body: '', method: 'GET', url, now: T })
    const hook = await api.verifyRequest(new Request(url, { headers }), designer)
    expect(hook.provider).toBe('designer-cloud')
    const moved = await rejection(api.verifyRequest(new Request(url.replace('5263842', '1'), { headers }), designer))
    expect(moved.code).toBe('SIGNATURE_MISMATCH')
  })

  it('a body read before verification is BODY_ALREADY_PARSED (500) and the message names the fix', async () => {
    const request = post(PING, { 'content-type': 'application/json', 'x-hub-signature': PING_SIG })
    await request.json()
    const error = await rejection(api.verifyRequest(request, orchest))
    expect(error.code).toBe('BODY_ALREADY_PARSED')
    expect(error.status).toBe(500)
    expect(error.message).toContain('request.clone()')
  })

  it('a Content-Length above the limit is BODY_TOO_LARGE (413) before the body is read', async () => {
    const request = post('x'.repeat(2048), { 'content-length': '2048', 'x-hub-signature': PING_SIG })
    const error = await rejection(api.verifyRequest(request, orchest, { limit: 1024 }))
    expect(error.code).toBe('BODY_TOO_LARGE')
    expect(toResponse(error).status).toBe(413)
    expect(request.bodyUsed).toBe(false)
  })

  it('a streamed body without Content-Length above the limit is BODY_TOO_LARGE', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(1500))
        controller.close()
      },
    })
    const request = new Request('https://hooks.example.com/', {
      method: 'POST',
      body: stream,
      headers: { 'x-hub-signature': PING_SIG },
      duplex: 'half',
    } as RequestInit)
    const result = await api.checkRequest(request, orchest, { limit: 1024 })
    expect(result).toMatchObject({ ok: false, code: 'BODY_TOO_LARGE', status: 413 })
  })

  it('checkRequest resolves to a failure record instead of throwing', async () => {
    const result = await api.checkRequest(post(PING, {}), orchest)
    expect(result).toMatchObject({ ok: false, code: 'MISSING_SIGNATURE', status: 401 })
    if (!result.ok) expect(toResponse(result).status).toBe(401)
  })

  it('a bad limit is a TypeError, not a rejection', async () => {
    await expect(api.checkRequest(post(PING, {}), orchest, { limit: -1 })).rejects.toBeInstanceOf(TypeError)
  })

  it('an in-flight redelivery is answered 409 with Retry-After; after complete() it is 200 DUPLICATE_DELIVERY', async () => {
    const verifier = api.createVerifier({ ...orchest, replayStore: new MemoryReplayStore() })
    const headers = { 'content-type': 'application/json', 'x-hub-signature': PING_SIG, 'x-orchest-delivery': 'd-1' }
    const first = await api.verifyRequest(post(PING, headers), verifier)
    const busy = await rejection(api.verifyRequest(post(PING, headers), verifier))
    const response = toResponse(busy)
    expect(response.status).toBe(409)
    expect(response.headers.get('retry-after')).toBe('60')
    await first.complete()
    const done = await rejection(api.verifyRequest(post(PING, headers), verifier))
    expect(done.code).toBe('DUPLICATE_DELIVERY')
    const ack = toResponse(done)
    expect(ack.status).toBe(200)
    expect(ack.headers.get('content-type')).toBe('application/json')
    expect(done.toResponse().headers.get('content-type')).toBe('application/json')
  })
})

describe('toResponse', () => {
  it('throws any other error again, so a bug is not answered as a 4xx', () => {
    const bug = new Error('handler bug')
    expect(() => toResponse(bug)).toThrow(bug)
  })
})

describe('Web Crypto keys', () => {
  it('are imported once per verifier and reused across requests', async () => {
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey')
    const verifier = web.createVerifier(orchest)
    for (let i = 0; i < 3; i++) {
      const hook = await web.verifyRequest(post(PING, { 'content-type': 'application/json', 'x-hub-signature': PING_SIG }), verifier)
      expect(hook.provider).toBe('orchest')
    }
    expect(importKey).toHaveBeenCalledTimes(1)
  })

  it('are imported once per options object passed instead of a verifier', async () => {
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey')
    const options = { provider: 'orchest', secret } as const
    for (let i = 0; i < 3; i++) {
      await web.verifyRequest(post(PING, { 'content-type': 'application/json', 'x-hub-signature': PING_SIG }), options)
    }
    expect(importKey).toHaveBeenCalledTimes(1)
  })
})
