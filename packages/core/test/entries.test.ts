import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { providers } from '../src/providers/index.js'
import { backends, type Vector } from './backends.js'
import vectors from './vectors/vectors.json' with { type: 'json' }

// Each entry binds a crypto backend and a provider table in one place (api.ts `bind`): the two
// full entries (node.ts, index.ts) and one entry per provider and backend (src/entries), which
// holds that row alone so a Worker bundles only it.

const all = vectors as unknown as Vector[]
const names = Object.keys(providers)
const core = new URL('../', import.meta.url)
const manifest = JSON.parse(readFileSync(new URL('package.json', core), 'utf8')) as { exports: Record<string, unknown> }

type Entry = typeof import('../src/entries/orchest.js')
const load = (name: string, backend: 'node' | 'web'): Promise<Entry> =>
  import(`../src/entries/${name}${backend === 'node' ? '.node' : ''}.ts`) as Promise<Entry>

describe('per-provider entries: @hookproof/core/providers/<name>', () => {
  it('are what scripts/provider-entries.ts writes from the registry (after adding a row, run it)', () => {
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', core))
    const run = spawnSync(tsx, [fileURLToPath(new URL('scripts/provider-entries.ts', core)), '--check'], { encoding: 'utf8' })
    expect(`${run.stdout}${run.stderr}`.trim()).toBe('provider entries: up to date')
    expect(run.status).toBe(0)
  })

  it.each(names)('%s has a Web Crypto and a node:crypto entry, an exports subpath and a node10 stub', (name) => {
    expect(existsSync(new URL(`src/entries/${name}.ts`, core))).toBe(true)
    expect(existsSync(new URL(`src/entries/${name}.node.ts`, core))).toBe(true)
    expect(Object.keys(manifest.exports)).toContain(`./providers/${name}`)
    const stub = JSON.parse(readFileSync(new URL(`providers/${name}/package.json`, core), 'utf8'))
    expect(stub).toMatchObject({ main: `../../dist/provider-${name}-node.cjs`, module: `../../dist/provider-${name}.js` })
  })

  describe.each(['node', 'web'] as const)('on %s', (backend) => {
    it.each(names)('%s: its vectors verify with the provider defaulted to its row, and are rejected with their codes', async (name) => {
      const entry = await load(name, backend)
      const own = all.filter((v) => v.provider === name)
      expect(own.length).toBeGreaterThan(0)
      for (const v of own) {
        const result = await entry.check(
          { body: v.body, headers: v.headers, method: v.method, url: v.url },
          { secret: v.secret, now: () => v.now, ...v.options },
        )
        if (v.valid) {
          if (!result.ok) throw new Error(`${v.id}: ${result.code} ${result.message}`)
          expect(result.webhook.provider).toBe(name)
        } else {
          expect(result).toMatchObject({ ok: false, code: v.expectCode })
        }
      }
    })

    it.each(names)('%s: names only its own row (another provider is a TypeError at startup)', async (name) => {
      const entry = await load(name, backend)
      const other = names.find((n) => n !== name) as string
      expect(() => entry.createVerifier({ provider: other as never, secret: 'test-secret-1' })).toThrow(
        new RegExp(`Unknown provider "${other}".*Built-in providers: ${name}$`),
      )
      expect(entry.createVerifier({ provider: name as never, secret: 'whsec_dGVzdC1zZWNyZXQtMQ==' }).providers).toEqual([name])
    })

    it.each(names)('%s: sign and verify agree, and a wrong secret is SIGNATURE_MISMATCH', async (name) => {
      const entry = await load(name, backend)
      const v = all.find((x) => x.provider === name && x.valid) as Vector
      const body = '{"entry":"test"}'
      const headers = await entry.sign(name as never, { secret: v.secret, body, now: v.now, deliveryId: 'd-1' } as never)
      const input = { body, headers, method: v.method, url: v.url }
      const ok = await entry.check(input, { secret: v.secret, now: () => v.now, ...v.options })
      if (!ok.ok) throw new Error(`${name}: ${ok.code} ${ok.message}`)
      const wrong = v.secret.startsWith('whsec_') ? 'whsec_dGhpcy1pcy1hbm90aGVyLWtleQ==' : `${v.secret}x`
      const bad = await entry.check(input, { secret: wrong, now: () => v.now, ...v.options })
      expect(bad).toMatchObject({ ok: false, code: 'SIGNATURE_MISMATCH' })
    })
  })

  it('a rejection from a provider entry is answered by the same rejection() as the full entry', async () => {
    const entry = await load('orchest', 'web')
    const result = await entry.check({ body: '{}', headers: {} }, { secret: 'test-secret-1' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    const response = entry.toResponse(result, { exposeDetails: false })
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(await response.json()).toEqual({
      type: 'https://github.com/hookproof/hookproof/blob/main/packages/core/docs/errors.md#missing-signature',
      title: 'Missing webhook signature',
      status: 401,
      code: 'MISSING_SIGNATURE',
    })
    expect(entry.toLambdaResult(result, { exposeDetails: false })).toEqual({
      statusCode: 401,
      headers: { 'content-type': 'application/problem+json' },
      body: await entry.toResponse(result, { exposeDetails: false }).text(),
      isBase64Encoded: false,
    })
  })
})

describe.each(backends)('an options object is compiled once (%s)', (_name, api) => {
  // HMAC-SHA256("a", "hello") in base64, computed with Python hmac (as in detection.test.ts)
  const SIG = 'v1=cQc98htLv3sofPsBNVN90hlTk0sS7E7hw5PiapjNfIw='
  function acme() {
    const decoded = { count: 0 }
    const row = api.defineProvider({
      ...api.prefixedHmac({ header: 'x-acme-signature', prefix: 'v1=', encoding: 'base64', hash: 'SHA-256' }),
      name: 'acme',
      title: 'Acme',
      docs: 'https://acme.example/webhooks',
      replayTtlSeconds: 3600,
      dedupFallback: 'signature',
      keyFromSecret: (secret: string) => {
        decoded.count++
        return new TextEncoder().encode(secret)
      },
    })
    return { row, decoded }
  }
  const request = (signature = SIG) =>
    new Request('https://hooks.example/acme', { method: 'POST', body: 'hello', headers: { 'x-acme-signature': signature } })

  it('verifyRequest(request, options) twice with the same object decodes the secret once', async () => {
    const { row, decoded } = acme()
    const options = { provider: row, secret: 'a' }
    expect((await api.verifyRequest(request(), options)).provider).toBe('acme')
    expect((await api.verifyRequest(request(), options)).provider).toBe('acme')
    expect(decoded.count).toBe(1)
    // a rejection reuses it too
    expect(await api.checkRequest(request('v1=dQc98htLv3sofPsBNVN90hlTk0sS7E7hw5PiapjNfIw='), options)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_MISMATCH',
    })
    expect(decoded.count).toBe(1)
  })

  it('a new options object compiles again (what the counter counts)', async () => {
    const { row, decoded } = acme()
    await api.verifyRequest(request(), { provider: row, secret: 'a' })
    await api.verifyRequest(request(), { provider: row, secret: 'a' })
    expect(decoded.count).toBe(2)
  })

  it('verify, check and the Lambda functions share the per-object verifier', async () => {
    const { row, decoded } = acme()
    const options = { provider: row, secret: 'a' }
    const input = { body: 'hello', headers: { 'x-acme-signature': SIG } }
    expect((await api.verify(input, options)).provider).toBe('acme')
    expect(await api.check(input, options)).toMatchObject({ ok: true })
    const event = { version: '2.0', rawPath: '/acme', headers: input.headers, body: 'hello', requestContext: { http: { method: 'POST' } } }
    expect(await api.checkLambdaEvent(event, options)).toMatchObject({ ok: true })
    expect(decoded.count).toBe(1)
  })

  it('a verifier passed in is used as it is', async () => {
    const { row, decoded } = acme()
    const verifier = api.createVerifier({ provider: row, secret: 'a' })
    await api.verifyRequest(request(), verifier)
    await api.verifyRequest(request(), verifier)
    expect(decoded.count).toBe(1)
  })
})
