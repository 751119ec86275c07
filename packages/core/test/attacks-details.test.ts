import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { problemDetails } from '../src/errors.js'
import { createFlowWith, type FlowResponse, type WebhookEvent } from '../src/flow.js'
import type { LambdaHttpEvent } from '../src/index.js'
import { createVerifier } from '../src/node.js'
import type { Provider } from '../src/provider.js'
import { providers as registry } from '../src/providers/index.js'
import { backends } from './backends.js'

// An unauthenticated caller probes the endpoint: a forged signature, an old timestamp, a big
// body, a request for another sender. In production the answer is the code and a title: not
// the configured providers, the number of secrets, the server's clock offset or the body limit.

const T = 1_700_000_000_000
const secret = 'test-secret-1'
const DC_BODY = '{"jobId":"5263842","jobStatus":"Complete"}'
const DC_SIG = 't=1700000000000,sha256=d27803d9c29d0e60487e46c4e0457642a0405872d5c7799635ef60b7a0f630a3'
const LIMIT = 1234

/** What must not reach the caller: provider names, secrets, seconds, the limit. */
function expectGeneric(body: string): void {
  const problem = JSON.parse(body) as Record<string, unknown>
  expect(Object.keys(problem).sort()).toEqual(['code', 'status', 'title', 'type'])
  expect(problem.type).toMatch(/^https:\/\/github\.com\/hookproof\/hookproof\/blob\/main\/packages\/core\/docs\/errors\.md#[a-z-]+$/)
  const told = JSON.stringify({ ...problem, type: undefined })
  // no provider's name or title (Designer Cloud is in its title), no secret, not the limit
  const names = Object.values(registry as Record<string, Provider>).flatMap((row) => {
    const [plain = row.title, former] = row.title.split(/ \(|\)/)
    return [row.name, row.title, plain, plain.split(' ').slice(-2).join(' '), ...(former ? [former] : [])]
  })
  for (const leak of [...names, 'secret', String(LIMIT)]) {
    expect(told).not.toContain(leak)
  }
  expect(told).not.toMatch(/\d+ s\b|\d+ min|\d+ h\b/)
}

let saved: string | undefined
beforeEach(() => {
  saved = process.env.NODE_ENV
})
afterEach(() => {
  if (saved === undefined) delete process.env.NODE_ENV
  else process.env.NODE_ENV = saved
})

// providers-list: a multi-provider verifier whose names must not leak; three rows suffice
const options = { providers: ['designer-cloud', 'orchest', 'y42'], secrets: [secret, 'previous-secret'], now: () => T } as const

/** Probes an attacker can send without the secret, each against the same verifier options. */
function probes(): Array<[string, () => Request]> {
  const post = (body: BodyInit, headers: Record<string, string>) =>
    new Request('https://hooks.example.com/webhooks', { method: 'POST', body, headers })
  return [
    ['a forged signature (the message counts the secrets)', () => post(DC_BODY.replace('5', '6'), { 'x-webhook-signature': DC_SIG })],
    [
      'a stale capture (the message gives the clock offset)',
      () => post(DC_BODY, { 'x-webhook-signature': DC_SIG.replace('1700000000000', '1600000000000') }),
    ],
    ['no signature (the message lists the providers)', () => post(DC_BODY, {})],
    ['a body over the limit (the message gives the limit)', () => post('x'.repeat(LIMIT + 1), { 'x-webhook-signature': DC_SIG })],
  ]
}

describe.each(backends)('attack: what an unauthenticated caller learns (%s)', (_name, api) => {
  it.each(probes())('NODE_ENV=production: verifyRequest + toResponse for %s answers code and title only', async (_what, make) => {
    process.env.NODE_ENV = 'production'
    const verifier = api.createVerifier(options)
    const error = await api.verifyRequest(make(), verifier, { limit: LIMIT }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(api.WebhookVerificationError)
    const response = api.toResponse(error)
    expectGeneric(await response.text())
    // the server keeps the detail: on the error and (with hints) in explain()
    expect((error as Error).message.length).toBeGreaterThan(10)
    expect(Array.isArray(await (error as InstanceType<typeof api.WebhookVerificationError>).explain())).toBe(true)
  })

  it.each(probes())('exposeDetails: true keeps the detail for %s, even in production', async (_what, make) => {
    process.env.NODE_ENV = 'production'
    const error = await api.verifyRequest(make(), api.createVerifier(options), { limit: LIMIT }).catch((e: unknown) => e)
    const body = await api.toResponse(error, { exposeDetails: true }).json()
    expect(body.detail).toBe((error as Error).message)
    // or remembered from the verifyRequest options
    const remembered = await api
      .verifyRequest(make(), api.createVerifier(options), { limit: LIMIT, exposeDetails: true })
      .catch((e: unknown) => e)
    expect((await api.toResponse(remembered).json()).detail).toBe((remembered as Error).message)
  })

  it('exposeDetails: false hides the detail outside production too', async () => {
    process.env.NODE_ENV = 'development'
    const [, make] = probes()[0] as [string, () => Request]
    const result = await api.checkRequest(make(), api.createVerifier(options), { exposeDetails: false })
    expect(result.ok).toBe(false)
    expectGeneric(await api.toResponse(result).text())
    expect((await api.toResponse(result, { exposeDetails: true }).json()).detail).toContain('2 configured secrets')
    // without NODE_ENV=production and without the option, developers see the detail
    const open = await api.checkRequest(make(), api.createVerifier(options))
    expect((await api.toResponse(open).json()).detail).toContain('2 configured secrets')
  })

  it('NODE_ENV=production: toLambdaResult answers code and title only; exposeDetails: true restores the detail', async () => {
    process.env.NODE_ENV = 'production'
    const event = JSON.parse(readFileSync(new URL('./fixtures/lambda/http-v2-designer-cloud-json.json', import.meta.url), 'utf8'))
    event.body = event.body.replace('5', '6')
    const error = await api.verifyLambdaEvent(event as LambdaHttpEvent, api.createVerifier(options)).catch((e: unknown) => e)
    const result = api.toLambdaResult(error)
    expect(result.statusCode).toBe(401)
    expectGeneric(result.body)
    expect(JSON.parse(api.toLambdaResult(error, { exposeDetails: true }).body).detail).toContain('2 configured secrets')
    const flagged = await api.checkLambdaEvent(event as LambdaHttpEvent, api.createVerifier(options), { exposeDetails: true })
    expect(JSON.parse(api.toLambdaResult(flagged).body).detail).toContain('2 configured secrets')
  })
})

describe('attack: what the adapter flow tells the caller', () => {
  async function run(flowOptions: Record<string, unknown>) {
    const sent: FlowResponse[] = []
    const events: WebhookEvent[] = []
    const flow = createFlowWith(createVerifier, { ...options, replayStore: false, onEvent: (e) => events.push(e), ...flowOptions })
    await flow.run({
      readBody: async () => new TextEncoder().encode(DC_BODY.replace('5', '6')),
      readRequest: () => ({ headers: { 'x-webhook-signature': DC_SIG }, method: 'POST', url: 'https://hooks.example.com/' }),
      send: (r) => {
        sent.push(r)
      },
      handle: async () => 204,
    })
    return { sent, events }
  }

  it('NODE_ENV=production: the flow answers code and title; the event keeps the message and explain()', async () => {
    process.env.NODE_ENV = 'production'
    const { sent, events } = await run({})
    expect(sent).toHaveLength(1)
    expect(sent[0]?.status).toBe(401)
    expectGeneric(sent[0]?.body as string)
    expect(events[0]?.message).toContain('2 configured secrets')
    expect(Array.isArray(await events[0]?.explain?.())).toBe(true)
  })

  it('exposeDetails: true in production, or no NODE_ENV=production, answers with the detail', async () => {
    process.env.NODE_ENV = 'production'
    expect(JSON.parse((await run({ exposeDetails: true })).sent[0]?.body as string).detail).toContain('2 configured secrets')
    process.env.NODE_ENV = 'test'
    expect(JSON.parse((await run({})).sent[0]?.body as string).detail).toContain('2 configured secrets')
    expect(() => createFlowWith(createVerifier, { ...options, exposeDetails: 'yes' as unknown as boolean })).toThrow(TypeError)
  })

  it('property: without exposed details, no problem body carries a detail, whatever the failure', () => {
    const codes = ['MISSING_SIGNATURE', 'MALFORMED_SIGNATURE', 'SIGNATURE_MISMATCH', 'TIMESTAMP_TOO_OLD', 'BODY_TOO_LARGE'] as const
    fc.assert(
      fc.property(fc.constantFrom(...codes), fc.string(), fc.integer({ min: 200, max: 599 }), (code, message, status) => {
        const body = problemDetails({ code, message, status }, { exposeDetails: false })
        expect(Object.keys(body).sort()).toEqual(['code', 'status', 'title', 'type'])
        expect(problemDetails({ code, message, status }, { exposeDetails: true }).detail).toBe(message)
      }),
      { numRuns: 100 },
    )
  })
})
