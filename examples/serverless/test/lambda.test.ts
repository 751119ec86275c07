import { readFileSync } from 'node:fs'
import { createVerifier, type LambdaHttpEvent, sign } from '@hookproof/core'
import { describe, expect, it, vi } from 'vitest'
import { SECRET, VECTOR_NOW } from './cases.js'

// The Lambda example with the recorded-shape events of core's fixtures and freshly signed ones.
const fixture = (name: string): LambdaHttpEvent =>
  JSON.parse(readFileSync(new URL(`../../../packages/core/test/fixtures/lambda/${name}`, import.meta.url), 'utf8'))

async function loadHandler(env: Record<string, string | undefined>) {
  vi.resetModules()
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v as string)
  try {
    return await import('../src/lambda.js')
  } finally {
    vi.unstubAllEnvs()
  }
}

function httpApiEvent(path: string, headers: Record<string, string>, body: string, base64 = false): LambdaHttpEvent {
  return {
    version: '2.0',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'q1w2e3r4t5.execute-api.eu-west-1.amazonaws.com',
      ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    },
    requestContext: { domainName: 'q1w2e3r4t5.execute-api.eu-west-1.amazonaws.com', http: { method: 'POST', path } },
    body: base64 ? btoa(body) : body,
    isBase64Encoded: base64,
  }
}

describe('Lambda example handler', () => {
  it('fails at cold start, naming the secret, when one is missing', async () => {
    await expect(loadHandler({ ORCHEST_WEBHOOK_SECRET: SECRET, DESIGNER_CLOUD_WEBHOOK_SECRET: undefined })).rejects.toThrow(
      /designer-cloud/,
    )
  })

  it('accepts a signed Orchest delivery and a signed Designer Cloud delivery on one URL (provider detected)', async () => {
    const { handler } = await loadHandler({ ORCHEST_WEBHOOK_SECRET: SECRET, DESIGNER_CLOUD_WEBHOOK_SECRET: SECRET })
    const orchestBody = '{"event": {"type": "ping", "uuid": "e1"}}'
    const o = await handler(
      httpApiEvent(
        '/hook',
        {
          'content-type': 'application/json',
          'x-orchest-delivery': 'e1',
          ...(await sign('orchest', { secret: SECRET, body: orchestBody })),
        },
        orchestBody,
        true,
      ),
    )
    expect(o.statusCode).toBe(200)
    expect(JSON.parse(o.body)).toMatchObject({ provider: 'orchest', deliveryId: 'e1', payload: { event: { type: 'ping' } } })
    const dcBody = '{"jobId":"77","jobStatus":"Complete"}'
    const d = await handler(
      httpApiEvent(
        '/hook',
        { 'content-type': 'application/json', ...(await sign('designer-cloud', { secret: SECRET, body: dcBody })) },
        dcBody,
      ),
    )
    expect(d.statusCode).toBe(200)
    expect(JSON.parse(d.body)).toMatchObject({ provider: 'designer-cloud', payload: { jobId: '77' } })
  })

  it('answers a tampered delivery 401 problem+json and a redelivery of a processed one 200 DUPLICATE_DELIVERY', async () => {
    const { handler } = await loadHandler({ ORCHEST_WEBHOOK_SECRET: SECRET, DESIGNER_CLOUD_WEBHOOK_SECRET: SECRET })
    const body = '{"event": {"type": "ping", "uuid": "e2"}}'
    const headers = { 'content-type': 'application/json', 'x-orchest-delivery': 'e2', ...(await sign('orchest', { secret: SECRET, body })) }
    const bad = await handler(httpApiEvent('/hook', headers, body.replace('ping', 'pong')))
    expect(bad.statusCode).toBe(401)
    expect(bad.headers['content-type']).toBe('application/problem+json')
    expect(JSON.parse(bad.body).code).toBe('SIGNATURE_MISMATCH')
    expect((await handler(httpApiEvent('/hook', headers, body))).statusCode).toBe(200)
    const again = await handler(httpApiEvent('/hook', headers, body))
    expect(again.statusCode).toBe(200)
    expect(JSON.parse(again.body).code).toBe('DUPLICATE_DELIVERY')
    expect(again.headers['content-type']).toBe('application/json')
  })

  it.each([
    ['rest-v1-orchest-json.json', 200, 'orchest'],
    ['rest-v1-orchest-form-base64.json', 200, 'orchest'],
    ['http-v2-orchest-form-base64.json', 200, 'orchest'],
    ['function-url-orchest-json-base64.json', 200, 'orchest'],
    ['http-v2-designer-cloud-json.json', 200, 'designer-cloud'],
    ['http-v2-designer-cloud-binary-base64.json', 200, 'designer-cloud'],
    ['function-url-designer-cloud-get.json', 200, 'designer-cloud'],
    ['rest-v1-designer-cloud-get.json', 200, 'designer-cloud'],
    ['rest-v1-orchest-duplicate-signature.json', 400, 'MALFORMED_SIGNATURE'],
    ['rest-v1-binary-as-text.json', 401, 'SIGNATURE_MISMATCH'],
    ['http-v2-base64-not-flagged.json', 401, 'SIGNATURE_MISMATCH'],
    ['http-v2-latin1-reencoded.json', 401, 'SIGNATURE_MISMATCH'],
  ] as const)('answers the recorded event %s with %i (%s)', async (file, status, what) => {
    const { createHandler } = await loadHandler({ ORCHEST_WEBHOOK_SECRET: SECRET, DESIGNER_CLOUD_WEBHOOK_SECRET: SECRET })
    const verifier = createVerifier({
      providers: [
        { provider: 'orchest', secret: SECRET },
        { provider: 'designer-cloud', secret: SECRET },
      ],
      now: () => VECTOR_NOW,
    })
    const result = await createHandler(verifier)(fixture(file))
    expect(result.statusCode).toBe(status)
    const body = JSON.parse(result.body)
    expect(status === 200 ? body.provider : body.code).toBe(what)
  })
})
