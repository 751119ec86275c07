import { describe, expect, it, vi } from 'vitest'
import { backends } from './backends.js'

describe.each(backends)('configuration errors throw TypeError at createVerifier, never per request (%s)', (_name, api) => {
  it.each([
    ['an unknown provider', { provider: 'stripe', secret: 'x' }, /Unknown provider "stripe".*orchest/],
    ['no provider', { secret: 'x' }, /No provider/],
    ['no secret', { provider: 'orchest' }, /secret for orchest is undefined: set ORCHEST_WEBHOOK_SECRET or pass secret/],
    ['an empty secret', { provider: 'orchest', secret: '' }, /non-empty/],
    ['an empty secrets list', { provider: 'orchest', secrets: [] }, /secret for orchest is an empty list/],
    ['a tolerance of 0', { provider: 'orchest', secret: 'x', toleranceSeconds: 0 }, /toleranceSeconds/],
    ['a negative tolerance', { provider: 'orchest', secret: 'x', toleranceSeconds: -1 }, /toleranceSeconds/],
    ['a tolerance given as a string', { provider: 'orchest', secret: 'x', toleranceSeconds: '300' }, /toleranceSeconds/],
    ['a NaN tolerance', { provider: 'orchest', secret: 'x', toleranceSeconds: Number.NaN }, /toleranceSeconds/],
    ['both provider and providers', { provider: 'orchest', providers: ['github'], secret: 'x' }, /either provider or providers/],
    ['a Standard Webhooks secret that is not base64', { provider: 'standard-webhooks', secret: 'whsec_not base64!' }, /whsec_/],
    ['a replay store without abort', { provider: 'orchest', secret: 'x', replayStore: { begin() {}, complete() {} } }, /replayStore/],
    ['the same provider twice', { providers: ['orchest', 'orchest'], secret: 'x' }, /twice/],
  ])('%s', (_what, options, message) => {
    expect(() => api.createVerifier(options as never)).toThrow(TypeError)
    expect(() => api.createVerifier(options as never)).toThrow(message)
  })

  it('the secret never appears in a configuration error', () => {
    try {
      api.createVerifier({ provider: 'standard-webhooks', secret: 'whsec_TOPSECRET!!' })
    } catch (e) {
      expect(String(e)).not.toContain('TOPSECRET')
    }
  })

  it('optionsFromEnv reads *_WEBHOOK_SECRET and *_PREVIOUS, and throws naming the variables when none is set', async () => {
    expect(() => api.optionsFromEnv({})).toThrow(/ORCHEST_WEBHOOK_SECRET/)
    const options = api.optionsFromEnv({ ORCHEST_WEBHOOK_SECRET: 'a', ORCHEST_WEBHOOK_SECRET_PREVIOUS: 'b', GITHUB_WEBHOOK_SECRET: 'g' })
    const verifier = api.createVerifier(options)
    expect(verifier.providers).toEqual(['orchest', 'github'])
    const body = 'x'
    const old = await api.sign('orchest', { secret: 'b', body })
    const r = await verifier.check({ body, headers: old })
    expect(r.ok && [r.webhook.provider, r.webhook.secretIndex]).toEqual(['orchest', 1])
  })
})

function capture() {
  const lines: string[] = []
  return { lines, logger: { warn: (message: string) => lines.push(message) } }
}

describe.each(backends)('configuration mistakes are named at startup (%s)', (_name, api) => {
  it.each([
    ['tolerance (for toleranceSeconds)', { tolerance: 10 }, 'toleranceSeconds'],
    ['replaystore (for replayStore)', { replaystore: false }, 'replayStore'],
    ['secert (for secret)', { secert: 'x' }, 'secret'],
    ['allowLegacySHA1 (for allowLegacySha1)', { allowLegacySHA1: true }, 'allowLegacySha1'],
  ])('an unknown option key %s is a TypeError with "did you mean"', (_what, extra, near) => {
    const options = { provider: 'orchest', secret: 'x', ...extra }
    expect(() => api.createVerifier(options as never)).toThrow(TypeError)
    expect(() => api.createVerifier(options as never)).toThrow(`(did you mean "${near}"?)`)
  })

  it('an unknown key with no near name lists the known options; an undefined value is ignored', () => {
    expect(() => api.createVerifier({ provider: 'orchest', secret: 'x', zzzzzzzz: 1 } as never)).toThrow(
      /unknown option "zzzzzzzz"\. Known options: .*toleranceSeconds/,
    )
    expect(api.createVerifier({ provider: 'orchest', secret: 'x', tolerance: undefined } as never).providers).toEqual(['orchest'])
  })

  it('an unknown key inside providers: [{ ... }] is a TypeError too', () => {
    expect(() => api.createVerifier({ providers: [{ provider: 'orchest', secert: 'x' }] } as never)).toThrow(
      /providers\[\]: unknown option "secert" \(did you mean "secret"\?\)/,
    )
  })

  it('the flow checks its own keys and the verifier\'s, with "did you mean"', async () => {
    const { createFlowWith } = await import('../src/flow.js')
    expect(() => createFlowWith(api.createVerifier, { provider: 'orchest', secret: 'x', onevent: () => {} } as never)).toThrow(
      /did you mean "onEvent"/,
    )
    expect(() => createFlowWith(api.createVerifier, { provider: 'orchest', secret: 'x', tolerance: 5 } as never)).toThrow(
      /did you mean "toleranceSeconds"/,
    )
    // the flow's own options are not passed on to the verifier as unknown keys
    const flow = createFlowWith(api.createVerifier, {
      provider: 'orchest',
      secret: 'x',
      exposeDetails: false,
      onError: 'next',
      logger: false,
    })
    expect(flow.verifier.providers).toEqual(['orchest'])
  })

  it.each([
    ['orchestra', 'orchest'],
    ['githbu', 'github'],
    ['designer_clod', 'designer-cloud'],
    ['standard-webhook', 'standard-webhooks'],
  ])('an unknown provider "%s" names "%s"', (wrong, right) => {
    expect(() => api.createVerifier({ provider: wrong, secret: 'x' } as never)).toThrow(
      `Unknown provider "${wrong}" (did you mean "${right}"?)`,
    )
  })

  it('a provider nothing resembles gets no guess, only the list', () => {
    expect(() => api.createVerifier({ provider: 'stripe', secret: 'x' } as never)).toThrow(/^Unknown provider "stripe"\. Built-in/)
  })

  it.each([
    ['trifacta', 'designer-cloud'],
    ['alteryx', 'designer-cloud'],
    ['Alteryx-Designer-Cloud', 'designer-cloud'],
    ['integrate.io', 'xplenty'],
    ['integrateio', 'xplenty'],
    ['svix', 'standard-webhooks'],
  ])('the vendor name "%s" is accepted as an alias of %s, and verifies its deliveries', async (alias, name) => {
    const secret = name === 'standard-webhooks' ? 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' : 'test-secret-1'
    const verifier = api.createVerifier({ provider: alias, secret } as never)
    expect(verifier.providers).toEqual([name])
    const body = '{"a":1}'
    const now = 1_700_000_000_000
    const headers = await api.sign(name as never, { secret, body, now, id: 'msg_1', method: 'POST' })
    const r = await api.createVerifier({ providers: [{ provider: alias, secret }], now: () => now } as never).check({ body, headers })
    expect(r.ok && r.webhook.provider).toBe(name)
  })

  it("a missing secret inside providers names that provider's variable", () => {
    expect(() => api.createVerifier({ providers: [{ provider: 'github', secret: undefined }] } as never)).toThrow(
      /secret for github is undefined: set GITHUB_WEBHOOK_SECRET or pass secret/,
    )
    expect(() => api.createVerifier({ provider: 'y42', secret: [undefined] } as never)).toThrow(
      /A secret for y42 is undefined.*Y42_WEBHOOK_SECRET/,
    )
  })

  it('a tolerance that looks like milliseconds warns once through the logger, a normal one does not', () => {
    const { lines, logger } = capture()
    api.createVerifier({ provider: 'designer-cloud', secret: 'x', toleranceSeconds: 300_000, logger })
    api.createVerifier({ provider: 'designer-cloud', secret: 'x', toleranceSeconds: 300_000, logger })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/toleranceSeconds is 300000 s \(3\.5 days\).*did you mean 300\?/)
    api.createVerifier({ provider: 'designer-cloud', secret: 'x', toleranceSeconds: 600, logger })
    expect(lines).toHaveLength(1)
  })

  it('the tolerance warning goes to console.warn by default and nowhere with logger: false', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    // once per message and logger for the whole process: each backend uses its own value
    const seconds = _name === 'node:crypto' ? 123_000 : 124_000
    try {
      api.createVerifier({ provider: 'up42', secret: 'x', toleranceSeconds: seconds, logger: false })
      expect(warn).not.toHaveBeenCalled()
      api.createVerifier({ provider: 'up42', secret: 'x', toleranceSeconds: seconds })
      expect(warn).toHaveBeenCalledTimes(1)
      expect(String(warn.mock.calls[0]?.[0])).toContain(`toleranceSeconds is ${seconds} s`)
    } finally {
      warn.mockRestore()
    }
  })

  it('a logger without warn is a TypeError', () => {
    expect(() => api.createVerifier({ provider: 'up42', secret: 'x', logger: {} as never })).toThrow(/logger must be an object with warn/)
  })
})

describe('STANDARD_WEBHOOKS_WEBHOOK_SECRET follows the *_WEBHOOK_SECRET pattern', () => {
  const api = backends[0][1]
  const a = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
  const b = 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

  const secretsOf = (options: ReturnType<typeof api.optionsFromEnv>) =>
    (options.providers as unknown as Array<{ provider: { name: string }; secrets: string[] }>).map((c) => [c.provider.name, c.secrets])

  it('the new name is read, and the former STANDARD_WEBHOOKS_SECRET still works', () => {
    expect(secretsOf(api.optionsFromEnv({ STANDARD_WEBHOOKS_WEBHOOK_SECRET: a }))).toEqual([['standard-webhooks', [a]]])
    expect(secretsOf(api.optionsFromEnv({ STANDARD_WEBHOOKS_SECRET: a, STANDARD_WEBHOOKS_SECRET_PREVIOUS: b }))).toEqual([
      ['standard-webhooks', [a, b]],
    ])
  })

  it('both set and different: the new name wins and the warning says so; both equal: no warning', () => {
    const { lines, logger } = capture()
    expect(secretsOf(api.optionsFromEnv({ STANDARD_WEBHOOKS_WEBHOOK_SECRET: a, STANDARD_WEBHOOKS_SECRET: b }, logger))).toEqual([
      ['standard-webhooks', [a]],
    ])
    expect(lines).toEqual([
      expect.stringMatching(
        /STANDARD_WEBHOOKS_WEBHOOK_SECRET and STANDARD_WEBHOOKS_SECRET are both set and differ: STANDARD_WEBHOOKS_WEBHOOK_SECRET wins/,
      ),
    ])
    expect(lines[0]).not.toContain(a.slice(6))
    const quiet = capture()
    api.optionsFromEnv({ STANDARD_WEBHOOKS_WEBHOOK_SECRET: a, STANDARD_WEBHOOKS_SECRET: a }, quiet.logger)
    expect(quiet.lines).toEqual([])
  })

  it('with nothing set, the error lists the new name', () => {
    expect(() => api.optionsFromEnv({})).toThrow(/STANDARD_WEBHOOKS_WEBHOOK_SECRET/)
  })
})
