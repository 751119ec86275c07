import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type Failure, fail } from '../src/errors.js'
import { createFlowWith, type FlowHooks, type WebhookFlowOptions } from '../src/flow.js'
import { redact } from '../src/log.js'
import * as node from '../src/node.js'
import { MemoryReplayStore } from '../src/replay.js'
import type { Verifier, VerifierOptions } from '../src/verify.js'

// Rejections are logged out of the box: one line per logged rejection (provider, code, status,
// first hint), 5xx every time, 4xx rate-limited per (provider, code), hints computed only for
// lines that are written, never a secret or a signature.

const { createVerifier, sign } = node
const secret = 'test-secret-1'
const body = '{"event": {"type": "ping"}}'
const enc = (s: string) => new TextEncoder().encode(s)

interface Line {
  message: string
  fields: Record<string, unknown> | undefined
}

function capture() {
  const lines: Line[] = []
  return { lines, logger: { warn: (message: string, fields?: Record<string, unknown>) => void lines.push({ message, fields }) } }
}

async function delivery(signWith = secret, payload = body, id = 'delivery-1') {
  const headers = { ...(await sign('orchest', { secret: signWith, body: payload, id, event: 'ping' })), 'content-type': 'application/json' }
  return { body: enc(payload), headers }
}

function hooksFor(d: { body: Uint8Array | Failure; headers: Record<string, string> }): FlowHooks {
  return {
    readBody: async () => d.body,
    readRequest: () => ({ headers: d.headers, method: 'POST', url: 'http://127.0.0.1/webhooks' }),
    send: () => {},
    handle: async () => 204,
  }
}

function flowWith(options: WebhookFlowOptions) {
  return createFlowWith(createVerifier, { provider: 'orchest', secret, ...options })
}

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('the flow logs rejections by default', () => {
  it('a forged delivery logs one line with provider, code, status and the first hint, naming the cause', async () => {
    const { lines, logger } = capture()
    const flow = flowWith({ logger })
    await flow.run(hooksFor(await delivery('another-secret')))
    expect(lines).toHaveLength(1)
    const [line] = lines as [Line]
    expect(line.message).toMatch(/^hookproof: rejected a delivery from orchest: 401 SIGNATURE_MISMATCH: .*\. Hint: The secret differs/)
    expect(line.fields).toMatchObject({ provider: 'orchest', code: 'SIGNATURE_MISMATCH', status: 401 })
    expect(String(line.fields?.hint)).toMatch(/^The secret differs/)
    expect(line.message.split('\n')).toHaveLength(1)
  })

  it('a secret with a trailing newline logs the whitespace hint first', async () => {
    const { lines, logger } = capture()
    await flowWith({ logger, secret: `${secret}\n` }).run(hooksFor(await delivery()))
    expect(lines[0]?.message).toContain('Hint: The secret has surrounding whitespace or quotes')
  })

  it('goes to console.warn without a logger, and nowhere with logger: false', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    await flowWith({}).run(hooksFor(await delivery('another-secret')))
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]?.[0])).toContain('401 SIGNATURE_MISMATCH')
    warn.mockClear()
    await flowWith({ logger: false }).run(hooksFor(await delivery('another-secret')))
    expect(warn).not.toHaveBeenCalled()
  })

  it('4xx: the first per (provider, code) with hints, then one count per 60 s; another code has its own window', async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 })
    const { lines, logger } = capture()
    const flow = flowWith({ logger })
    const forged = await delivery('another-secret')
    for (let i = 0; i < 313; i++) await flow.run(hooksFor(forged))
    // a missing signature is another (provider, code): logged at once
    await flow.run(hooksFor({ body: enc(body), headers: { 'content-type': 'application/json' } }))
    expect(lines.map((l) => l.fields?.code)).toEqual(['SIGNATURE_MISMATCH', 'MISSING_SIGNATURE'])
    await vi.advanceTimersByTimeAsync(60_000)
    expect(lines).toHaveLength(3)
    expect(lines[2]?.message).toBe('hookproof: … 312 more SIGNATURE_MISMATCH from orchest in the last 60 s')
    expect(lines[2]?.fields).toMatchObject({ suppressed: 312, code: 'SIGNATURE_MISMATCH', provider: 'orchest' })
    // after the window, the next one is logged in full again
    await flow.run(hooksFor(forged))
    expect(lines).toHaveLength(4)
    expect(lines[3]?.message).toContain('Hint: The secret differs')
  })

  it('5xx configuration failures are logged every time, with the message that names the fix', async () => {
    const { lines, logger } = capture()
    const flow = flowWith({ logger })
    const parsed = fail('BODY_ALREADY_PARSED', 'Register the webhook route before app.use(express.json()) (the parsed body is an object)')
    for (let i = 0; i < 3; i++) await flow.run(hooksFor({ body: parsed, headers: {} }))
    expect(lines).toHaveLength(3)
    for (const line of lines)
      expect(line.message).toMatch(/500 BODY_ALREADY_PARSED: Register the webhook route before app\.use\(express\.json\(\)\)/)
  })

  it('a store outage (503) is logged every time', async () => {
    const { lines, logger } = capture()
    const down = {
      begin: async () => {
        throw new Error('ECONNREFUSED')
      },
      complete: async () => {},
      abort: async () => {},
    }
    const flow = flowWith({ logger, replayStore: down })
    for (let i = 0; i < 2; i++) await flow.run(hooksFor(await delivery(secret, body, `d-${i}`)))
    expect(lines.map((l) => l.fields?.code)).toEqual(['STORE_UNAVAILABLE', 'STORE_UNAVAILABLE'])
    expect(lines[0]?.message).toContain('503 STORE_UNAVAILABLE')
  })

  it('verified deliveries and duplicates are not logged', async () => {
    const { lines, logger } = capture()
    const flow = flowWith({ logger, replayStore: new MemoryReplayStore() })
    const ok = await delivery()
    await flow.run(hooksFor(ok))
    await flow.run(hooksFor(ok))
    expect(lines).toEqual([])
  })

  it('a throwing logger does not break the flow', async () => {
    const sent: number[] = []
    const flow = flowWith({
      logger: {
        warn: () => {
          throw new Error('logger down')
        },
      },
    })
    await flow.run({ ...hooksFor(await delivery('another-secret')), send: (r) => void sent.push(r.status) })
    expect(sent).toEqual([401])
  })
})

describe('hints are computed lazily', () => {
  /** A verifier whose every check fails with a hint function we can count. */
  function counting(code: 'SIGNATURE_MISMATCH' | 'BODY_NOT_AUTHENTICATED' = 'SIGNATURE_MISMATCH') {
    let computed = 0
    const make = (_options: VerifierOptions): Verifier => ({
      providers: ['orchest'],
      check: async () =>
        ({
          ...fail(code, 'nope', { provider: 'orchest' }),
          hints: async () => {
            computed++
            return ['a hint']
          },
        }) as never,
      verify: async () => {
        throw new Error('unused')
      },
    })
    return { make, computed: () => computed }
  }

  it('no hint is computed when nobody asks and no logger wants it', async () => {
    const { make, computed } = counting()
    const flow = createFlowWith(make, { provider: 'orchest', secret, logger: false })
    flow.on('rejected', () => {}) // a listener that does not call explain()
    for (let i = 0; i < 5; i++) await flow.run(hooksFor(await delivery()))
    expect(computed()).toBe(0)
  })

  it('rate-limited repeats compute no hint: one computation for the logged line', async () => {
    const { make, computed } = counting()
    const { lines, logger } = capture()
    const flow = createFlowWith(make, { provider: 'orchest', secret, logger })
    for (let i = 0; i < 20; i++) await flow.run(hooksFor(await delivery()))
    expect(lines).toHaveLength(1)
    expect(lines[0]?.message).toContain('Hint: a hint')
    expect(computed()).toBe(1)
  })

  it('the logged line and an event listener share one computation', async () => {
    const { make, computed } = counting('BODY_NOT_AUTHENTICATED')
    const { logger } = capture()
    const flow = createFlowWith(make, { provider: 'orchest', secret, logger })
    const seen: string[][] = []
    flow.on('rejected', (e) => void e.explain?.().then((h) => seen.push(h)))
    await flow.run(hooksFor(await delivery()))
    await vi.waitFor(() => expect(seen).toHaveLength(1))
    expect(computed()).toBe(1)
  })
})

describe('verifyRequest and verifyLambdaEvent log rejections', () => {
  it("verifyRequest(request, verifier) logs through the verifier's logger; checkRequest too", async () => {
    const { lines, logger } = capture()
    const verifier = createVerifier({ provider: 'orchest', secret, logger })
    const d = await delivery('another-secret')
    const request = () => new Request('http://127.0.0.1/hook', { method: 'POST', headers: d.headers, body })
    await expect(node.verifyRequest(request(), verifier)).rejects.toMatchObject({ code: 'SIGNATURE_MISMATCH' })
    expect(lines).toHaveLength(1)
    expect(lines[0]?.message).toContain('401 SIGNATURE_MISMATCH')
    // a body already read is a configuration failure: logged every time
    const used = request()
    await used.text()
    await node.checkRequest(used, verifier)
    await node.checkRequest(used, verifier)
    expect(lines.filter((l) => l.fields?.code === 'BODY_ALREADY_PARSED')).toHaveLength(2)
  })

  it('verifyLambdaEvent logs a base64 body that was not decoded with that hint', async () => {
    const { lines, logger } = capture()
    const d = await delivery()
    const event = {
      version: '2.0',
      rawPath: '/hook',
      headers: d.headers,
      requestContext: { domainName: 'x.lambda-url.eu-west-1.on.aws', http: { method: 'POST' } },
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: false,
    }
    await expect(node.verifyLambdaEvent(event, { provider: 'orchest', secret, logger })).rejects.toMatchObject({
      code: 'SIGNATURE_MISMATCH',
    })
    expect(lines).toHaveLength(1)
    expect(lines[0]?.message).toContain('Hint: The body is base64 of the signed bytes')
  })

  it('verify() and check() themselves log nothing', async () => {
    const { lines, logger } = capture()
    await createVerifier({ provider: 'orchest', secret, logger }).check(await delivery('another-secret'))
    expect(lines).toEqual([])
  })
})

describe('the log never holds a secret or a signature', () => {
  it('redact() removes the configured secrets and MAC-shaped tokens, keeps words and UUIDs', () => {
    const mac = createHmac('sha256', 'k').update('b').digest('hex')
    expect(redact(`a s3cr3t-value b ${mac} c`, ['s3cr3t-value'])).toBe('a [redacted] b [redacted] c')
    expect(redact('delivery 08bd2a31-9b17-4d1b-83ba-b4538a970dee of STANDARD_WEBHOOKS_WEBHOOK_SECRET', [])).toBe(
      'delivery 08bd2a31-9b17-4d1b-83ba-b4538a970dee of STANDARD_WEBHOOKS_WEBHOOK_SECRET',
    )
  })

  it('property: for random secrets, wrong or padded, the log output never contains the secret or the expected signature (hex or base64)', async () => {
    // providers-list: rows whose secret is any text (random secrets here); three kinds of header
    const providers = ['orchest', 'y42', 'github'] as const
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 12, maxLength: 40 }).filter((s) => s.trim() === s && s.trim().length >= 12),
        fc.string({ minLength: 12, maxLength: 40 }).filter((s) => s.trim().length >= 12),
        fc.constantFrom(...providers),
        fc.constantFrom('', '\n', ' ', '"'),
        fc.string({ maxLength: 64 }),
        async (configured, real, provider, pad, text) => {
          const payload = JSON.stringify({ text })
          const { lines, logger } = capture()
          const flow = createFlowWith(createVerifier, { provider, secret: `${configured}${pad}`, logger, replayStore: false })
          const headers = { ...(await sign(provider, { secret: real, body: payload })), 'content-type': 'application/json' }
          // also the padded secret itself on a genuine delivery (a whitespace hint is logged)
          const genuine = { ...(await sign(provider, { secret: configured, body: payload })), 'content-type': 'application/json' }
          await flow.run(hooksFor({ body: enc(payload), headers }))
          await createFlowWith(createVerifier, { provider, secret: `${configured}${pad}`, logger, replayStore: false }).run(
            hooksFor({ body: enc(payload), headers: genuine }),
          )
          const out = lines.map((l) => `${l.message}\n${JSON.stringify(l.fields)}`).join('\n')
          expect(lines.length).toBeGreaterThan(0)
          expect(out).not.toContain(configured)
          expect(out).not.toContain(real)
          for (const key of [configured, `${configured}${pad}`]) {
            const expected = createHmac('sha256', key).update(payload).digest()
            expect(out).not.toContain(expected.toString('hex'))
            expect(out).not.toContain(expected.toString('base64'))
          }
          for (const value of Object.values(headers)) if (value.length >= 16) expect(out).not.toContain(value.replace(/^sha256=/, ''))
        },
      ),
      { numRuns: 60 },
    )
  })
})
