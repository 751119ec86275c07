import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { LambdaHttpEvent, RequestLike } from '../src/index.js'
import { backends } from './backends.js'

// An attacker controls every byte of the request, and a hand-made or mis-routed event can have
// any shape: check* resolves to a result for all of it, verify* rejects only with
// WebhookVerificationError. A TypeError escaping here is a 500 and a crash report per request.

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/lambda/${name}`, import.meta.url), 'utf8'))
}

const FIXTURES = [
  'rest-v1-orchest-json.json',
  'http-v2-designer-cloud-json.json',
  'function-url-designer-cloud-get.json',
  'rest-v1-orchest-duplicate-signature.json',
]
const options = { provider: 'orchest', secret: 'test-secret-1' } as const

/** A fixture with one field (possibly nested) replaced by an arbitrary value. */
const nearValidEvent = fc
  .tuple(
    fc.constantFrom(...FIXTURES),
    fc.constantFrom(
      ['cookies'],
      ['requestContext'],
      ['requestContext', 'http'],
      ['requestContext', 'http', 'method'],
      ['requestContext', 'domainName'],
      ['requestContext', 'elb'],
      ['multiValueHeaders'],
      ['multiValueHeaders', 'X-Hub-Signature'],
      ['headers'],
      ['headers', 'host'],
      ['headers', 'x-hub-signature'],
      ['multiValueQueryStringParameters'],
      ['queryStringParameters'],
      ['body'],
      ['isBase64Encoded'],
      ['rawPath'],
      ['rawQueryString'],
      ['version'],
      ['httpMethod'],
      ['path'],
    ),
    fc.anything({ withNullPrototype: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true }),
  )
  .map(([file, path, value]) => {
    const event = fixture(file)
    let at: Record<string, unknown> = event
    for (const key of path.slice(0, -1)) {
      if (typeof at[key] !== 'object' || at[key] === null) at[key] = {}
      at = at[key] as Record<string, unknown>
    }
    at[path[path.length - 1] as string] = value
    return event
  })

describe.each(backends)('attack: odd inputs never throw (%s)', (_name, api) => {
  // the expected outcome: the designer-cloud fixture is checked against orchest (MISSING_SIGNATURE),
  // the orchest one verifies when the odd field is one the event does not need
  it.each([
    ['cookies that are not an array', 'MISSING_SIGNATURE', { ...fixture('http-v2-designer-cloud-json.json'), cookies: 'a=b' }],
    ['no requestContext.http on a 2.0 event', 'INVALID_PAYLOAD', { ...fixture('http-v2-designer-cloud-json.json'), requestContext: {} }],
    [
      'no requestContext at all on a 2.0 event',
      'INVALID_PAYLOAD',
      { ...fixture('http-v2-designer-cloud-json.json'), requestContext: null },
    ],
    [
      'multiValueHeaders whose values are not arrays',
      'MISSING_SIGNATURE',
      { ...fixture('rest-v1-orchest-json.json'), multiValueHeaders: { 'X-Hub-Signature': 5 } },
    ],
    ['multiValueHeaders that is a string (ignored)', 'OK', { ...fixture('rest-v1-orchest-json.json'), multiValueHeaders: 'x' }],
    ['headers that is an array', 'MISSING_SIGNATURE', { ...fixture('rest-v1-orchest-json.json'), multiValueHeaders: null, headers: ['x'] }],
    ['a body that is an object', 'INVALID_PAYLOAD', { ...fixture('rest-v1-orchest-json.json'), body: { a: 1 } }],
    ['a numeric rawPath', 'MISSING_SIGNATURE', { ...fixture('http-v2-designer-cloud-json.json'), rawPath: 5, version: '2.0' }],
    [
      'query parameters that are numbers (ignored)',
      'OK',
      { ...fixture('rest-v1-orchest-json.json'), multiValueQueryStringParameters: { a: 1 } },
    ],
    ['an SQS event', 'INVALID_PAYLOAD', { Records: [{ body: '{}' }] }],
    ['null', 'INVALID_PAYLOAD', null],
    ['a string', 'INVALID_PAYLOAD', 'event'],
  ])(
    'checkLambdaEvent with %s resolves to %s; verifyLambdaEvent rejects only with WebhookVerificationError',
    async (_what, expected, event) => {
      const result = await api.checkLambdaEvent(event as unknown as LambdaHttpEvent, options)
      expect(result.ok ? 'OK' : result.code).toBe(expected)
      const error = await api.verifyLambdaEvent(event as unknown as LambdaHttpEvent, options).then(
        () => undefined,
        (e: unknown) => e,
      )
      if (expected !== 'OK') expect(error).toBeInstanceOf(api.WebhookVerificationError)
    },
  )

  it('property: checkLambdaEvent resolves and verifyLambdaEvent rejects only with WebhookVerificationError, for any event', async () => {
    const anyEvent = fc.oneof(nearValidEvent, fc.anything(), fc.dictionary(fc.string(), fc.anything()))
    await fc.assert(
      fc.asyncProperty(anyEvent, async (event) => {
        const result = await api.checkLambdaEvent(event as unknown as LambdaHttpEvent, options)
        expect(typeof result.ok).toBe('boolean')
        try {
          await api.verifyLambdaEvent(event as unknown as LambdaHttpEvent, options)
        } catch (error) {
          expect(error).toBeInstanceOf(api.WebhookVerificationError)
        }
      }),
      { numRuns: 400 },
    )
  })

  it('property: checkRequest resolves and verifyRequest rejects only with WebhookVerificationError, for any request-like value', async () => {
    const headersLike = fc.oneof(
      fc.anything(),
      fc.dictionary(fc.string(), fc.string()).map((h) => new Headers(Object.entries(h).filter(([k]) => /^[a-z-]+$/.test(k)))),
      fc.constant({ get: () => 5 }),
      fc.constant({
        get: () => {
          throw new Error('boom')
        },
      }),
    )
    const bodyLike = fc.oneof(
      fc.anything(),
      fc.constant(null),
      fc.array(fc.oneof(fc.uint8Array({ maxLength: 16 }), fc.anything()), { maxLength: 3 }).map(
        (chunks) =>
          new ReadableStream({
            start(controller) {
              for (const c of chunks) controller.enqueue(c)
              controller.close()
            },
          }),
      ),
      fc.constant(
        new ReadableStream({
          pull() {
            throw new Error('the connection reset')
          },
        }),
      ),
    )
    const requestLike = fc.oneof(
      fc.anything(),
      fc.record({
        method: fc.anything(),
        url: fc.anything(),
        headers: headersLike,
        bodyUsed: fc.anything(),
        body: bodyLike,
        arrayBuffer: fc.constantFrom(
          async () => new ArrayBuffer(3),
          async () => {
            throw new Error('aborted')
          },
          () => 'not a promise',
        ),
      }),
    )
    await fc.assert(
      fc.asyncProperty(requestLike, async (request) => {
        const result = await api.checkRequest(request as unknown as RequestLike, options)
        expect(typeof result.ok).toBe('boolean')
        try {
          await api.verifyRequest(request as unknown as RequestLike, options)
        } catch (error) {
          expect(error).toBeInstanceOf(api.WebhookVerificationError)
        }
      }),
      { numRuns: 300 },
    )
  })
})
