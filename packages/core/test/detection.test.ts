import { describe, expect, it } from 'vitest'
import type { Provider } from '../src/provider.js'
import { type ProviderName, providers as registry } from '../src/providers/index.js'
import { backends } from './backends.js'

const T = 1_700_000_000_000
const body = '{"event":"x","messageId":"m-9"}'
// every row of the registry, each with its own secret (in the row's form where it has one)
const all = Object.keys(registry) as ProviderName[]
const secretOf = (p: ProviderName) => (registry[p] as Provider).secretExample ?? `secret-of-${p}`

describe.each(backends)('several providers at once (%s)', (_name, api) => {
  const verifier = api.createVerifier({
    providers: all.map((p) => ({ provider: p, secret: secretOf(p) })),
    now: () => T,
  })

  it.each(all)('a %s delivery is detected by header grammar and verified with its own secret', async (p) => {
    const secret = secretOf(p)
    const headers = await api.sign(p, { secret, body, now: T, id: 'id-1' })
    const r = await verifier.check({ body, headers })
    if (!r.ok) throw new Error(`${r.code}: ${r.message}`)
    expect(r.webhook.provider).toBe(p)
  })

  it('a request with no signature header is MISSING_SIGNATURE listing what was expected', async () => {
    const r = await verifier.check({ body, headers: { 'content-type': 'application/json' } })
    expect(r).toMatchObject({ ok: false, code: 'MISSING_SIGNATURE' })
    expect(!r.ok && r.message).toContain('x-hub-signature (orchest)')
    expect(!r.ok && r.message).toContain('x-webhook-signature (designer-cloud)')
  })

  it('X-Hub-Signature: sha1=… is not taken for Orchest: it is MALFORMED, and explained as GitHub legacy', async () => {
    const headers = await api.sign('github', { secret: 'secret-of-github', body, hash: 'SHA-1' })
    delete headers['X-Hub-Signature-256']
    const err = await verifier.verify({ body, headers }).catch((e) => e)
    expect(err.code).toBe('MALFORMED_SIGNATURE')
    expect(err.provider).toBe('orchest')
    expect((await err.explain()).join('\n')).toContain('GitHub')
  })

  it("a header name alone never picks a scheme: another vendor's X-Webhook-Signature format is MALFORMED for Designer Cloud", async () => {
    const r = await verifier.check({ body, headers: { 'x-webhook-signature': 't=1700000000000,v0=abc=' } })
    expect(r).toMatchObject({ ok: false, code: 'MALFORMED_SIGNATURE', provider: 'designer-cloud' })
  })

  it("a delivery signed for one provider with another provider's secret is SIGNATURE_MISMATCH", async () => {
    const headers = await api.sign('orchest', { secret: 'secret-of-github', body })
    const r = await verifier.check({ body, headers })
    expect(r).toMatchObject({ ok: false, code: 'SIGNATURE_MISMATCH', provider: 'orchest' })
  })

  it('a provider-specific header with another scheme is explained as the other provider', async () => {
    const headers = await api.sign('github', { secret: 's', body })
    const err = await api.verify({ body, headers }, { provider: 'y42', secret: 's' }).catch((e) => e)
    expect(err.code).toBe('MISSING_SIGNATURE')
    expect((await err.explain()).join('\n')).toContain('provider "github"')
  })

  it('GitHub legacy SHA-1 alone is refused unless allowLegacySha1, with a message saying how', async () => {
    const headers = await api.sign('github', { secret: 's', body, hash: 'SHA-1' })
    delete headers['X-Hub-Signature-256']
    const r = await api.check({ body, headers }, { provider: 'github', secret: 's' })
    expect(!r.ok && r.message).toContain('allowLegacySha1')
    const ok = await api.check({ body, headers }, { provider: 'github', secret: 's', allowLegacySha1: true })
    expect(ok.ok).toBe(true)
  })

  it('a custom provider from defineProvider + prefixedHmac works beside the built-ins', async () => {
    const acme = api.defineProvider({
      ...api.prefixedHmac({
        header: 'x-acme-signature',
        prefix: 'v1=',
        encoding: 'base64',
        hash: 'SHA-256',
        deliveryIdHeader: 'x-acme-id',
      }),
      name: 'acme',
      title: 'Acme',
      docs: 'https://acme.example/webhooks',
      replayTtlSeconds: 3600,
      dedupFallback: 'signature',
    })
    const v = api.createVerifier({
      providers: [
        { provider: acme, secret: 'a' },
        { provider: 'orchest', secret: 'o' },
      ],
    })
    // HMAC-SHA256("a", "hello") in base64, computed with Python hmac
    const r = await v.check({
      body: 'hello',
      headers: { 'x-acme-signature': 'v1=cQc98htLv3sofPsBNVN90hlTk0sS7E7hw5PiapjNfIw=', 'x-acme-id': 'e-1' },
    })
    if (!r.ok) throw new Error(r.message)
    expect([r.webhook.provider, r.webhook.deliveryId]).toEqual(['acme', 'e-1'])
    expect(() => api.defineProvider({ name: 'Bad Name' } as never)).toThrow(TypeError)
  })
})
