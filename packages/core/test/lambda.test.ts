import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  defineProvider,
  type LambdaHttpEvent,
  MemoryReplayStore,
  prefixedHmac,
  toLambdaResult,
  WebhookVerificationError,
} from '../src/index.js'
import { backends } from './backends.js'

const T = 1_700_000_000_000
const secret = 'test-secret-1'

function fixture(name: string): LambdaHttpEvent & Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/lambda/${name}`, import.meta.url), 'utf8'))
}

const orchest = { provider: 'orchest', secret } as const
const designer = { provider: 'designer-cloud', secret, now: () => T } as const
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

const FORM_START = 'delivered_for=%7B%22name%22%3A+%22Form+webhook%22%2C+%22verify_ssl%22%3A+true'
const BINARY = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe, 0x80, 0x81, 0xc3, 0x28, 0x7b, 0x7d]

async function rejection(promise: Promise<unknown>): Promise<WebhookVerificationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(WebhookVerificationError)
  return error as WebhookVerificationError
}

describe.each(backends)('verifyLambdaEvent (%s)', (_name, api) => {
  it('verifies a REST (1.0) event with mixed-case headers: the published orchest-ping vector', async () => {
    const hook = await api.verifyLambdaEvent<{ event: { type: string } }>(fixture('rest-v1-orchest-json.json'), orchest)
    expect(hook.provider).toBe('orchest')
    expect(hook.event).toBe('ping')
    expect(hook.deliveryId).toBe('3f1d3a7e-2a5b-4c0d-9e8f-1a2b3c4d5e6f')
    expect(hook.payload.event.type).toBe('ping')
    expect(hook.rawBody.length).toBe(291)
  })

  it.each([['rest-v1-orchest-form-base64.json'], ['http-v2-orchest-form-base64.json']])(
    'decodes the base64 form body of %s and parses its JSON fields',
    async (file) => {
      const hook = await api.verifyLambdaEvent<{ event: { project: { name: string } } }>(fixture(file), orchest)
      expect(text(hook.rawBody).startsWith(FORM_START)).toBe(true)
      expect(hook.payload.event.project.name).toBe('Café pipelines')
      expect(hook.event).toBe('project:one-off-job:pipeline-run:failed')
    },
  )

  it('decodes a base64 JSON body from a function URL', async () => {
    const hook = await api.verifyLambdaEvent(fixture('function-url-orchest-json-base64.json'), orchest)
    expect(hook.rawBody.length).toBe(291)
    expect(hook.deliveryId).toBe('3f1d3a7e-2a5b-4c0d-9e8f-1a2b3c4d5e6f')
  })

  it('verifies an HTTP API (2.0) event: the published designer-cloud-post vector', async () => {
    const hook = await api.verifyLambdaEvent(fixture('http-v2-designer-cloud-json.json'), designer)
    expect(hook.payload).toEqual({ jobId: '5263842', jobStatus: 'Complete' })
    expect(hook.timestamp).toBe(T)
  })

  it('decodes a base64 binary body (invalid UTF-8) to the exact bytes and passes them on as the payload', async () => {
    const hook = await api.verifyLambdaEvent(fixture('http-v2-designer-cloud-binary-base64.json'), designer)
    expect([...hook.rawBody]).toEqual(BINARY)
    expect(hook.payload).toBeInstanceOf(Uint8Array)
  })

  it('rebuilds the function URL (host + rawPath + rawQueryString) that a Designer Cloud GET signs', async () => {
    const hook = await api.verifyLambdaEvent(fixture('function-url-designer-cloud-get.json'), designer)
    expect(hook.provider).toBe('designer-cloud')
    expect(hook.payload).toBeUndefined()
  })

  it('rebuilds a REST URL with the stage from requestContext.path and the query re-encoded', async () => {
    const hook = await api.verifyLambdaEvent(fixture('rest-v1-designer-cloud-get.json'), designer)
    expect(hook.timestamp).toBe(T)
  })

  it('a GET whose Host differs from the signed one fails, and explain() points at signedUrl', async () => {
    const event = fixture('function-url-designer-cloud-get.json') as { headers: Record<string, string> } & LambdaHttpEvent
    event.headers.host = 'hooks.example.com'
    const error = await rejection(api.verifyLambdaEvent(event, designer))
    expect(error.code).toBe('SIGNATURE_MISMATCH')
    expect((await error.explain()).join('\n')).toContain('https://hooks.example.com/hooks/designer-cloud?jobId=5263842&jobStatus=Complete')
    const fixed = await api.verifyLambdaEvent(event, {
      ...designer,
      signedUrl:
        'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws/hooks/designer-cloud?jobId=5263842&jobStatus=Complete',
    })
    expect(fixed.provider).toBe('designer-cloud')
  })

  it('a signature header sent twice (REST multiValueHeaders) is MALFORMED_SIGNATURE, though headers holds one copy', async () => {
    const event = fixture('rest-v1-orchest-duplicate-signature.json')
    expect(typeof (event as { headers: Record<string, unknown> }).headers['X-Hub-Signature']).toBe('string')
    const error = await rejection(api.verifyLambdaEvent(event, orchest))
    expect(error.code).toBe('MALFORMED_SIGNATURE')
    expect(error.message).toContain('2 times')
  })

  it('reads headers when multiValueHeaders is absent, whatever their case', async () => {
    const event = fixture('rest-v1-orchest-json.json') as Record<string, unknown>
    const headers = event.headers as Record<string, string>
    event.multiValueHeaders = null
    event.headers = { 'x-HUB-signature': headers['X-Hub-Signature'], 'CONTENT-TYPE': 'application/json' }
    const hook = await api.verifyLambdaEvent(event as unknown as LambdaHttpEvent, orchest)
    expect(hook.payload).toMatchObject({ event: { type: 'ping' } })
  })

  it('a tampered base64 body is SIGNATURE_MISMATCH', async () => {
    const event = fixture('http-v2-designer-cloud-binary-base64.json') as { body: string } & LambdaHttpEvent
    event.body = `A${event.body.slice(1)}`
    const error = await rejection(api.verifyLambdaEvent(event, designer))
    expect(error.code).toBe('SIGNATURE_MISMATCH')
    expect(error.status).toBe(401)
  })

  it('a designer-cloud t 301 s old is TIMESTAMP_TOO_OLD', async () => {
    const error = await rejection(
      api.verifyLambdaEvent(fixture('http-v2-designer-cloud-json.json'), { ...designer, now: () => T + 301_000 }),
    )
    expect(error.code).toBe('TIMESTAMP_TOO_OLD')
  })

  it('isBase64Encoded with a body that is not base64 is INVALID_PAYLOAD', async () => {
    const event = fixture('http-v2-designer-cloud-binary-base64.json') as { body: string } & LambdaHttpEvent
    event.body = '%%% not base64 %%%'
    const error = await rejection(api.verifyLambdaEvent(event, designer))
    expect(error.code).toBe('INVALID_PAYLOAD')
  })

  it('a binary body a REST API passed as text fails, and explain() names binaryMediaTypes', async () => {
    const error = await rejection(api.verifyLambdaEvent(fixture('rest-v1-binary-as-text.json'), designer))
    expect(error.code).toBe('SIGNATURE_MISMATCH')
    const hints = (await error.explain()).join('\n')
    expect(hints).toContain('U+FFFD')
    expect(hints).toContain('binaryMediaTypes')
  })

  it('a body a proxy base64-encoded without isBase64Encoded fails, and explain() says so', async () => {
    const error = await rejection(api.verifyLambdaEvent(fixture('http-v2-base64-not-flagged.json'), designer))
    expect(error.code).toBe('SIGNATURE_MISMATCH')
    expect((await error.explain()).join('\n')).toContain('The body is base64 of the signed bytes')
  })

  it('a body a proxy re-encoded from Latin-1 to UTF-8 fails, and explain() names the charset', async () => {
    const error = await rejection(api.verifyLambdaEvent(fixture('http-v2-latin1-reencoded.json'), designer))
    expect(error.code).toBe('SIGNATURE_MISMATCH')
    expect((await error.explain()).join('\n')).toContain('Latin-1')
  })

  it('the wrong secret on an intact event gives no transport hint', async () => {
    const error = await rejection(
      api.verifyLambdaEvent(fixture('http-v2-designer-cloud-binary-base64.json'), { ...designer, secret: 'other' }),
    )
    const hints = (await error.explain()).join('\n')
    expect(hints).not.toContain('base64')
    expect(hints).not.toContain('U+FFFD')
  })

  it('puts payload 2.0 cookies back as one Cookie header (a custom row reads it as the event name)', async () => {
    const acme = defineProvider({
      ...prefixedHmac({ header: 'x-acme-signature', prefix: 'sha256=', encoding: 'hex', hash: 'SHA-256', eventHeader: 'cookie' }),
      name: 'acme',
      title: 'Acme',
      docs: 'https://acme.example/webhooks',
      replayTtlSeconds: 60,
      dedupFallback: 'signature',
    })
    const event = fixture('function-url-orchest-json-base64.json') as {
      headers: Record<string, string>
      cookies?: string[]
    } & LambdaHttpEvent
    const body = new TextDecoder().decode(Uint8Array.from(atob((event as { body: string }).body), (c) => c.charCodeAt(0)))
    Object.assign(event.headers, await api.sign(acme, { secret, body }))
    event.cookies = ['session=abc123', 'theme=dark']
    const hook = await api.verifyLambdaEvent(event, { provider: acme, secret })
    expect(hook.event).toBe('session=abc123; theme=dark')
  })

  it('checkLambdaEvent resolves to a failure record instead of throwing', async () => {
    const result = await api.checkLambdaEvent(fixture('rest-v1-orchest-json.json'), { provider: 'orchest', secret: 'wrong' })
    expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_MISMATCH', status: 401 })
  })

  it('an event that is not from API Gateway or a function URL is INVALID_PAYLOAD, never a TypeError', async () => {
    const error = await rejection(api.verifyLambdaEvent({ Records: [] } as unknown as LambdaHttpEvent, orchest))
    expect(error.code).toBe('INVALID_PAYLOAD')
    expect(error.message).toContain('not an API Gateway')
  })

  it('a redelivery while the first is in flight maps to a 409 proxy result with Retry-After', async () => {
    const verifier = api.createVerifier({ ...orchest, replayStore: new MemoryReplayStore() })
    const first = await api.verifyLambdaEvent(fixture('rest-v1-orchest-json.json'), verifier)
    // keyed on the verified MAC (the vector's X-Hub-Signature), not the unsigned X-Orchest-Delivery
    expect(first.replayKey).toBe('orchest:mac:013a0a24404eb66602371fcd644128bd')
    expect(first.deliveryId).toBe('3f1d3a7e-2a5b-4c0d-9e8f-1a2b3c4d5e6f')
    const second = await api.checkLambdaEvent(fixture('function-url-orchest-json-base64.json'), verifier)
    expect(second.ok).toBe(false)
    const result = toLambdaResult(second)
    expect(result.statusCode).toBe(409)
    expect(result.headers['retry-after']).toBe('60')
  })
})

describe('toLambdaResult', () => {
  it('maps an error to { statusCode, headers, body } with problem+json that holds no signature', async () => {
    const event = fixture('rest-v1-orchest-json.json') as { body: string } & LambdaHttpEvent
    event.body = event.body.replace('ping', 'pong')
    const error = await rejection(backends[0][1].verifyLambdaEvent(event, orchest))
    const result = toLambdaResult(error)
    expect(result.statusCode).toBe(401)
    expect(result.headers).toEqual({ 'content-type': 'application/problem+json' })
    expect(result.isBase64Encoded).toBe(false)
    const body = JSON.parse(result.body)
    expect(body).toMatchObject({ status: 401, code: 'SIGNATURE_MISMATCH', title: 'Webhook signature does not match' })
    expect(result.body).not.toContain('013a0a24')
  })

  it('throws any other error again, so a bug is not answered as a 4xx', () => {
    const bug = new RangeError('handler bug')
    expect(() => toLambdaResult(bug)).toThrow(bug)
  })
})
