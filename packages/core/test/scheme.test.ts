import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileScheme, defineProvider, github, type SchemeSpec, schemeProvider, up42, xplenty } from '../src/index.js'
import { backends, type Vector } from './backends.js'
import vectors from './vectors/vectors.json' with { type: 'json' }

const all = vectors as unknown as Vector[]
const vector = (id: string) => all.find((v) => v.id === id) as Vector

const BODY = '{"id":"evt_1","type":"build.done"}'
const T = 1_700_000_000_000

// Expected values computed outside hookproof:
//   printf %s '1700000000.<BODY>' | openssl dgst -sha256 -hmac acme-secret        (hex)
//   printf %s 'd_42.1700000000.<BODY>' | openssl dgst -sha256 -hmac acme-secret -binary | base64
const ACME_PARAMS_HEX = '9a361818024d3270b752a73750a679ee32b92dc013e2b7dbdb79cb84c6ca095d'
const ACME_ID_B64 = 'ihH3J3ZjmkuWB1Ph1zgR72IrDQhHrYSSC2aLfZ1RqYc='

/** A user's own row, written as data: `X-Acme-Signature: t=<s>,v1=<hex>` over `<t>.<body>`. */
const acme = schemeProvider({
  name: 'acme',
  title: 'Acme',
  docs: 'https://acme.example/webhooks',
  replayTtlSeconds: 86_400,
  dedupFallback: 'signature',
  signature: { header: 'x-acme-signature', params: { timestamp: 't', signature: 'v1' }, encoding: 'hex' },
  hash: 'SHA-256',
  signed: ['timestamp', '.', 'body'],
  timestamp: { unit: 's' },
  id: { header: 'x-acme-delivery' },
  eventFrom: { field: 'type' },
})

/** The same vendor's v2, Standard-Webhooks-like: the id signed, the timestamp in its own header. */
const acme2 = schemeProvider({
  name: 'acme-two',
  title: 'Acme v2',
  docs: 'https://acme.example/webhooks/v2',
  replayTtlSeconds: 86_400,
  dedupFallback: 'signature',
  signature: { header: 'acme-signature', versioned: 'v1', encoding: 'base64' },
  hash: 'SHA-256',
  signed: ['id', '.', 'timestamp', '.', 'body'],
  timestamp: { unit: 's', header: 'acme-timestamp' },
  id: { header: 'acme-id' },
  spelling: 'lower',
})

describe.each(backends)('schemes as data (%s)', (_name, api) => {
  const check = (provider: Parameters<typeof api.createVerifier>[0]['provider'], headers: Record<string, string>, extra = {}) =>
    api.check({ body: BODY, headers }, { provider, secret: 'acme-secret', now: () => T, ...extra } as never)

  it('a params scheme verifies an openssl vector, reads its timestamp, id and event, and sign writes the same header', async () => {
    const headers = { 'X-Acme-Signature': `t=1700000000,v1=${ACME_PARAMS_HEX}`, 'X-Acme-Delivery': 'd_42' }
    const r = await check(acme, headers)
    if (!r.ok) throw new Error(`${r.code} ${r.message}`)
    expect(r.webhook.provider).toBe('acme')
    expect(r.webhook.timestamp).toBe(T)
    expect(r.webhook.deliveryId).toBe('d_42')
    expect(r.webhook.event).toBe('build.done')
    expect(r.webhook.covered).toEqual(['timestamp', 'body'])
    expect(await api.sign(acme, { secret: 'acme-secret', body: BODY, now: T, id: 'd_42' })).toEqual(headers)
  })

  it('a params scheme: no t is MISSING_TIMESTAMP, a second v1 is "sent 2 times", an old t is TIMESTAMP_TOO_OLD', async () => {
    const missing = await check(acme, { 'X-Acme-Signature': `v1=${ACME_PARAMS_HEX}` })
    expect(!missing.ok && [missing.code, missing.message]).toEqual(['MISSING_TIMESTAMP', 'X-Acme-Signature has no "t=<s>" timestamp'])
    const twice = await check(acme, { 'X-Acme-Signature': `t=1700000000,v1=${ACME_PARAMS_HEX},v1=${ACME_PARAMS_HEX}` })
    expect(!twice.ok && twice.message).toBe('X-Acme-Signature was sent 2 times; send it once')
    const none = await check(acme, { 'X-Acme-Signature': 't=1700000000,v0=ab' })
    expect(!none.ok && none.message).toBe('X-Acme-Signature must be "t=<s>,v1=<64 hex>"; it has no "v1=" (keys: v0)')
    const old = await check(acme, { 'X-Acme-Signature': `t=1700000000,v1=${ACME_PARAMS_HEX}` }, { now: () => T + 3_600_000 })
    expect(!old.ok && old.code).toBe('TIMESTAMP_TOO_OLD')
  })

  it('a versioned scheme with a signed id header verifies an openssl vector and keys duplicates on that id', async () => {
    const headers = { 'acme-id': 'd_42', 'acme-timestamp': '1700000000', 'acme-signature': `v1,${ACME_ID_B64}` }
    const r = await check(acme2, headers)
    if (!r.ok) throw new Error(`${r.code} ${r.message}`)
    expect(r.webhook.deliveryId).toBe('d_42')
    expect(r.webhook.covered).toEqual(['id', 'timestamp', 'body'])
    expect(await api.sign(acme2, { secret: 'acme-secret', body: BODY, now: T, id: 'd_42' })).toEqual(headers)
    const noId = await check(acme2, { 'acme-timestamp': '1700000000', 'acme-signature': `v1,${ACME_ID_B64}` })
    expect(!noId.ok && [noId.code, noId.message]).toEqual(['MALFORMED_SIGNATURE', 'acme-signature is present but acme-id is missing'])
    const otherId = await check(acme2, { ...headers, 'acme-id': 'd_43' })
    expect(!otherId.ok && otherId.code).toBe('SIGNATURE_MISMATCH')
  })

  it('property: for any body, what a compiled scheme signs its own parse verifies, and one changed byte does not', async () => {
    const specs: SchemeSpec[] = [
      { signature: { header: 'x-a', prefix: '', encoding: 'base64' }, hash: 'SHA-512', signed: ['body'] },
      { signature: { header: 'x-b', prefix: 'sha1=', encoding: 'hex', hexCase: 'upper' }, hash: 'SHA-1', signed: ['body'] },
      {
        signature: { header: 'x-c', params: { timestamp: 'ts', signature: 'mac' }, encoding: 'base64' },
        hash: 'SHA-256',
        signed: ['timestamp', ':', 'body'],
        timestamp: { unit: 'ms' },
      },
    ]
    const rows = specs.map((spec, i) =>
      defineProvider({
        ...compileScheme(spec, `p${i}`),
        name: `p${i}`,
        title: `P${i}`,
        docs: 'x',
        replayTtlSeconds: 1,
        dedupFallback: 'signature',
      }),
    )
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.constantFrom(...rows), async (body, row) => {
        const headers = await api.sign(row, { secret: 'k', body, now: T })
        const ok = await api.check({ body, headers }, { provider: row, secret: 'k', now: () => T, parse: false })
        expect(ok.ok).toBe(true)
        const changed = body.slice()
        changed[0] = (changed[0] as number) ^ 1
        const bad = await api.check({ body: changed, headers }, { provider: row, secret: 'k', now: () => T, parse: false })
        expect(!bad.ok && bad.code).toBe('SIGNATURE_MISMATCH')
      }),
      { numRuns: 60 },
    )
  })
})

describe.each(backends)('vendor switches are arguments of the row (%s)', (_name, api) => {
  const run = (v: Vector, provider: unknown, options: Record<string, unknown> = {}) =>
    api.check({ body: v.body, headers: v.headers }, { provider, secret: v.secret, now: () => v.now, ...options } as never)

  it('github({ allowLegacySha1: true }) accepts the legacy SHA-1 vector; github does not; the old option still does; the switch wins', async () => {
    const v = vector('github-legacy-sha1')
    const on = await run(v, github({ allowLegacySha1: true }))
    expect(on.ok && on.webhook.provider).toBe('github')
    const plain = await run(v, github)
    expect(!plain.ok && plain.code).toBe('MISSING_SIGNATURE')
    expect((await run(v, github, { allowLegacySha1: true })).ok).toBe(true)
    const off = await run(v, github({ allowLegacySha1: false }), { allowLegacySha1: true })
    expect(!off.ok && off.code).toBe('MISSING_SIGNATURE')
    expect(api.createVerifier({ provider: github({ allowLegacySha1: true }), secret: v.secret }).providers).toEqual(['github'])
  })

  it("xplenty({ scheme: 'sha1-metadata', metadata }) verifies the metadata vector without verifier options", async () => {
    const v = vector('xplenty-sha1-metadata')
    const metadata = (v.options as { xplentyMetadata: { hookId: number; url: string; event: string } }).xplentyMetadata
    const r = await run(v, xplenty({ scheme: 'sha1-metadata', metadata }))
    expect(r.ok && r.webhook.bodyAuthenticated).toBe(false)
    expect((await run(v, xplenty)).ok).toBe(false)
  })

  it('up42({ allowUnsignedBody: true }) accepts the Date-only vector the default refuses', async () => {
    const v = vector('up42-date-only-unsigned-body')
    const r = await run(v, up42({ allowUnsignedBody: true }))
    expect(r.ok && r.webhook.bodyAuthenticated).toBe(false)
    const plain = await run(v, up42)
    expect(!plain.ok && plain.code).toBe('BODY_NOT_AUTHENTICATED')
  })

  it('a bad switch throws a TypeError at once, naming the switch', () => {
    expect(() => github({ allowLegacySha1: 'yes' as never })).toThrow(/allowLegacySha1 must be a boolean/)
    expect(() => xplenty({ scheme: 'md5' as never })).toThrow(/xplenty\(switches\): scheme must be 'body-hmac' or 'sha1-metadata'/)
    expect(() => xplenty({ scheme: 'sha1-metadata' })).toThrow(/pass metadata: \{ hookId, url \}/)
    expect(() => up42(null as never)).toThrow(TypeError)
  })
})

describe('compiled with a named grammar (how built-in rows tree-shake the other two)', () => {
  it('a spec in another grammar is a TypeError at startup, naming the row', async () => {
    const { compileSchemeWith } = await import('../src/scheme.js')
    const { PARAMS_GRAMMAR, PREFIX_GRAMMAR, VERSIONED_GRAMMAR } = await import('../src/scheme-grammars.js')
    const prefixed: SchemeSpec = {
      signature: { header: 'x-acme-signature', prefix: 'v1=', encoding: 'hex' },
      hash: 'SHA-256',
      signed: ['body'],
    }
    expect(() => compileSchemeWith({ grammar: PARAMS_GRAMMAR }, prefixed, 'acme')).toThrow(/^acme: the signature is not in the grammar/)
    expect(() => compileSchemeWith({ grammar: VERSIONED_GRAMMAR }, prefixed, 'acme')).toThrow(TypeError)
    expect(compileSchemeWith({ grammar: PREFIX_GRAMMAR }, prefixed, 'acme').signatureHeaders).toEqual(['x-acme-signature'])
  })

  it('a spec that needs a step the kit lacks (signed id headers, signedByMethod, whsec keys) is a TypeError at startup', async () => {
    const { compileSchemeWith } = await import('../src/scheme.js')
    const { PREFIX_GRAMMAR } = await import('../src/scheme-grammars.js')
    const base: SchemeSpec = { signature: { header: 'x-acme-signature', prefix: '', encoding: 'hex' }, hash: 'SHA-256', signed: ['body'] }
    const kit = { grammar: PREFIX_GRAMMAR }
    expect(() => compileSchemeWith(kit, { ...base, signed: ['id', '.', 'body'], id: { header: 'x-acme-id' } }, 'acme')).toThrow(
      /^acme: signed id or timestamp headers need readExtras$/,
    )
    expect(() =>
      compileSchemeWith(kit, { ...base, signedByMethod: { methods: ['GET'], signed: ['url'], vendor: 'Acme' } }, 'acme'),
    ).toThrow(/^acme: signedByMethod needs urlSigned$/)
    expect(() => compileSchemeWith(kit, { ...base, secret: 'whsec-base64' }, 'acme')).toThrow(/needs whsecKey$/)
  })
})
