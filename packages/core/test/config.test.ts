import { describe, expect, it } from 'vitest'
import { backends } from './backends.js'

describe.each(backends)('configuration errors throw TypeError at createVerifier, never per request (%s)', (_name, api) => {
  it.each([
    ['an unknown provider', { provider: 'stripe', secret: 'x' }, /Unknown provider "stripe".*orchest/],
    ['no provider', { secret: 'x' }, /No provider/],
    ['no secret', { provider: 'orchest' }, /no secret/],
    ['an empty secret', { provider: 'orchest', secret: '' }, /non-empty/],
    ['an empty secrets list', { provider: 'orchest', secrets: [] }, /no secret/],
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
