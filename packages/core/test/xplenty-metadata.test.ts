import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { backends } from './backends.js'

// Xplenty's `sha1-metadata` scheme, from its only source (xplenty-api-doc-v2
// resources/hooks/web-hook.md): "a hash which is generated using SHA-1 from string created by
// concatenation of the following fields: id, event name, url, salt". Expected digests come from
// node:crypto createHash here (an oracle independent of the code under test) or from the literal
// vectors in vectors.json (Python hashlib).

const SALT = '2db5b8725e2d86aba40d43f6e403bdf483b8535a3d0011d34b3687140b52bc8c'
const URL_SET = 'http://my.service.com/notifications'
const RECEIVED = 'http://10.0.0.5:8080/notifications'
const job = '{"id":1234,"status":"completed","progress":1.0}'

function oracle(id: string, event: string, url: string, salt: string, sep = ''): string {
  return createHash('sha1').update([id, event, url, salt].join(sep), 'utf8').digest('hex')
}

describe.each(backends)('xplenty sha1-metadata (%s)', (_name, api) => {
  const meta = (extra: Record<string, unknown> = {}) => ({
    provider: 'xplenty' as const,
    secret: SALT,
    xplentyScheme: 'sha1-metadata' as const,
    xplentyMetadata: { hookId: 1, url: URL_SET, event: 'job.completed', ...extra },
  })
  const check = (signature: string, options: Parameters<typeof api.check>[1], body = job, url = RECEIVED) =>
    api.check({ body, headers: { 'X-Hook-Signature': signature, 'Content-Type': 'application/json' }, url }, options)
  const codeOf = async (r: Awaited<ReturnType<typeof api.check>>) => (r.ok ? 'OK' : r.code)

  it('hashes the hook id, the event, the configured url and the salt; the received url and the body are not inputs', async () => {
    const sig = oracle('1', 'job.completed', URL_SET, SALT)
    expect(sig).toBe('380cd35ad60354c10894800f95934670f6923c5c')
    const r = await check(sig, meta())
    expect(r.ok && { event: r.webhook.event, bodyAuthenticated: r.webhook.bodyAuthenticated, covered: r.webhook.covered }).toEqual({
      event: 'job.completed',
      bodyAuthenticated: false,
      // of the request only the event name is hashed; the hook id and url are configured values
      covered: ['event'],
    })
    expect(await codeOf(await check(sig, meta(), job, 'https://elsewhere.example/x'))).toBe('OK')
    expect(await codeOf(await check(sig, meta(), '{"id":1,"status":"failed"}'))).toBe('OK')
  })

  it('negative cases: one byte of the url, the hook id, the salt or the event changed is SIGNATURE_MISMATCH', async () => {
    const sig = oracle('1', 'job.completed', URL_SET, SALT)
    expect(await codeOf(await check(sig, meta({ url: URL_SET.replace('my.', 'my,') })))).toBe('SIGNATURE_MISMATCH')
    expect(await codeOf(await check(sig, meta({ url: `${URL_SET}/` })))).toBe('SIGNATURE_MISMATCH')
    expect(await codeOf(await check(sig, meta({ hookId: 2 })))).toBe('SIGNATURE_MISMATCH')
    expect(await codeOf(await check(sig, { ...meta(), secret: `${SALT.slice(0, -1)}d` }))).toBe('SIGNATURE_MISMATCH')
    expect(await codeOf(await check(sig, meta({ event: 'job.failed' })))).toBe('SIGNATURE_MISMATCH')
    // the event read from the payload (the default source) changed
    const ping = oracle('1', 'ping', URL_SET, SALT)
    const fromPayload = meta({ event: undefined })
    expect(await codeOf(await check(ping, fromPayload, '{"event":"ping"}'))).toBe('OK')
    expect(await codeOf(await check(ping, fromPayload, '{"event":"job.failed"}'))).toBe('SIGNATURE_MISMATCH')
    // a 64-hex value is no SHA-1
    expect(await codeOf(await check('ab'.repeat(32), meta()))).toBe('MALFORMED_SIGNATURE')
  })

  it('a delivery that names no event is INVALID_PAYLOAD with a message saying where the event is read', async () => {
    const r = await check(oracle('1', 'job.completed', URL_SET, SALT), meta({ event: undefined }))
    expect(r.ok ? 'OK' : [r.code, r.message]).toEqual(['INVALID_PAYLOAD', expect.stringContaining('xplentyMetadata.event')])
    const throwing = meta({
      event: () => {
        throw new Error('boom')
      },
    })
    expect(await codeOf(await check(oracle('1', 'job.completed', URL_SET, SALT), throwing))).toBe('INVALID_PAYLOAD')
  })

  it('separator and a string hook id are options; the old function form still works', async () => {
    expect(
      await codeOf(
        await check(oracle('7', 'cluster.error', URL_SET, SALT, '|'), meta({ hookId: '7', event: 'cluster.error', separator: '|' })),
      ),
    ).toBe('OK')
    const legacy = {
      provider: 'xplenty' as const,
      secret: SALT,
      xplentyScheme: 'sha1-metadata' as const,
      xplentyMetadata: () => ['1', 'job.completed', URL_SET],
    }
    expect(await codeOf(await check(oracle('1', 'job.completed', URL_SET, SALT), legacy))).toBe('OK')
  })

  it('a bad setup throws TypeError at createVerifier, never per request', () => {
    const bad = [
      { xplentyScheme: 'sha1-metadata' },
      { xplentyScheme: 'sha1-metadata', xplentyMetadata: { url: URL_SET } },
      { xplentyScheme: 'sha1-metadata', xplentyMetadata: { hookId: 1.5, url: URL_SET } },
      { xplentyScheme: 'sha1-metadata', xplentyMetadata: { hookId: 'abc', url: URL_SET } },
      { xplentyScheme: 'sha1-metadata', xplentyMetadata: { hookId: 1 } },
      { xplentyScheme: 'sha1-metadata', xplentyMetadata: { hookId: 1, url: URL_SET, event: 3 } },
      { xplentyScheme: 'sha1' },
    ]
    for (const extra of bad) {
      expect(() => api.createVerifier({ provider: 'xplenty', secret: SALT, ...(extra as object) })).toThrow(TypeError)
    }
    expect(() => api.createVerifier({ provider: 'xplenty', secret: SALT })).not.toThrow()
  })

  it('the signature is constant per event type, so it is never a dedup key: two deliveries are both processed', async () => {
    const store = new api.MemoryReplayStore()
    const verifier = api.createVerifier({ ...meta(), replayStore: store })
    const headers = { 'X-Hook-Signature': oracle('1', 'job.completed', URL_SET, SALT) }
    for (const id of [1, 2]) {
      const r = await verifier.check({ body: `{"id":${id},"status":"completed"}`, headers })
      expect(r.ok && r.webhook.replayKey).toBeUndefined()
      if (r.ok) await r.webhook.complete()
    }
  })

  it('sign() produces the metadata digest the oracle computes', async () => {
    const h = await api.sign('xplenty', { secret: SALT, body: job, event: 'job.completed', xplentyMetadata: { hookId: 1, url: URL_SET } })
    expect(h['X-Hook-Signature']).toBe(oracle('1', 'job.completed', URL_SET, SALT))
    await expect(api.sign('xplenty', { secret: SALT, body: job, xplentyMetadata: { hookId: 1, url: URL_SET } })).rejects.toThrow(TypeError)
  })

  it('explain(): a metadata-signed delivery sent to a body-hmac verifier given the hook id and url names sha1-metadata', async () => {
    const headers = { 'X-Hook-Signature': oracle('1', 'job.completed', URL_SET, SALT) }
    const options = { provider: 'xplenty' as const, secret: SALT, xplentyMetadata: { hookId: 1, url: URL_SET, event: 'job.completed' } }
    const err = await api.verify({ body: job, headers }, options).catch((e) => e)
    expect(err.code).toBe('SIGNATURE_MISMATCH')
    const hints = (await err.explain()).join('\n')
    expect(hints).toContain('matches sha1-metadata (SHA-1 of hook id + event "job.completed"')
    expect(hints).toContain("xplentyScheme: 'sha1-metadata'")
    expect(hints).not.toContain(SALT)
    // the delivery names no event: explain() finds it among the documented names and says so
    const found = await api.verify({ body: job, headers }, { ...options, xplentyMetadata: { hookId: 1, url: URL_SET } }).catch((e) => e)
    expect((await found.explain()).join('\n')).toContain('does not name "job.completed" where xplentyMetadata.event reads it')
    // without the hook id and url, explain() says what to configure
    const bare = await api.verify({ body: job, headers }, { provider: 'xplenty', secret: SALT }).catch((e) => e)
    expect((await bare.explain()).join('\n')).toContain('xplentyMetadata: { hookId, url }')
    // the wrong hook id: no false claim
    const wrong = await api.verify({ body: job, headers }, { ...options, xplentyMetadata: { hookId: 2, url: URL_SET } }).catch((e) => e)
    expect((await wrong.explain()).join('\n')).toContain('matched neither a body HMAC nor sha1-metadata')
  })

  it('property: the oracle digest of random inputs verifies, and changing any one input fails', async () => {
    const text = fc.string({ minLength: 1, maxLength: 40 })
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 2 ** 40 }),
        fc.constantFrom('job.submitted', 'job.failed', 'cluster.idled', 'ping'),
        text.map((s) => `https://h.example/${encodeURIComponent(s)}`),
        text,
        fc.constantFrom('', '|', ':', '\n'),
        fc.constantFrom('hookId', 'event', 'url', 'salt'),
        async (hookId, event, url, salt, separator, change) => {
          const sig = oracle(String(hookId), event, url, salt, separator)
          const options = {
            provider: 'xplenty' as const,
            secret: salt,
            xplentyScheme: 'sha1-metadata' as const,
            xplentyMetadata: { hookId, url, event, separator },
          }
          expect(await codeOf(await check(sig, options))).toBe('OK')
          const m = options.xplentyMetadata
          const changed =
            change === 'salt'
              ? { ...options, secret: `${salt}x` }
              : {
                  ...options,
                  xplentyMetadata: {
                    ...m,
                    ...(change === 'hookId' ? { hookId: hookId + 1 } : change === 'event' ? { event: `${event}x` } : { url: `${url}x` }),
                  },
                }
          expect(await codeOf(await check(sig, changed))).toBe('SIGNATURE_MISMATCH')
        },
      ),
      { numRuns: 100 },
    )
  })
})
