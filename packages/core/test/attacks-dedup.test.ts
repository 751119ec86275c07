/**
 * Duplicates keyed on what is signed (issue #13). A captured delivery, replayed with changes to
 * its unsigned parts only, is processed at most once; nothing sent without the secret makes a
 * real delivery be acknowledged unprocessed or evicts a processed one.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Api, backends, type Vector } from './backends.js'
import vectors from './vectors/vectors.json' with { type: 'json' }

const all = vectors as unknown as Vector[]
const vector = (id: string) => all.find((v) => v.id === id) as Vector

type Headers = Record<string, string>
interface Captured {
  // providers-list: the captures are fixed vectors, one per scheme that dedups
  provider: 'y42' | 'up42' | 'orchest' | 'designer-cloud' | 'github' | 'standard-webhooks'
  secret: string
  now: number
  body: string
  method?: string
  url?: string
  headers: Headers
  /** The ways an attacker respells or changes the unsigned parts, each from the captured headers. */
  variants: Array<(h: Headers) => Headers>
}

const upper = (value: string, from = 0) => value.slice(0, from) + value.slice(from).toUpperCase()
const without = (h: Headers, name: string) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== name))
const b64url = (b64: string) => b64.replaceAll('+', '-').replaceAll('/', '_')

/** The literal vectors of VENDORS.md, replayed N ways. */
function captures(): Captured[] {
  const y42 = vector('y42-json')
  const orchest = vector('orchest-ping-json')
  const dcPost = vector('designer-cloud-post')
  const dcGet = vector('designer-cloud-get')
  const github = vector('github-published')
  const sw = vector('standard-webhooks-several-signatures')
  const up42 = vector('up42-content-digest')
  const dcSig = dcPost.headers['X-Webhook-Signature'] as string
  const [t, sha] = dcSig.split(',') as [string, string]
  const upSig = up42.headers.Signature as string
  return [
    {
      ...y42,
      provider: 'y42',
      variants: [
        (h) => ({ ...h, 'x-y42-signature': upper(h['x-y42-signature'] as string, 7) }),
        (h) => ({
          ...h,
          'x-y42-signature': `sha256=${(h['x-y42-signature'] as string).slice(7).replace(/[a-f]/, (c) => c.toUpperCase())}`,
        }),
        (h) => ({ ...h, 'content-type': 'text/plain' }),
      ],
    },
    {
      ...orchest,
      provider: 'orchest',
      variants: [
        (h) => ({ ...h, 'X-Orchest-Delivery': 'fresh-id-1' }),
        (h) => ({ ...h, 'X-Orchest-Delivery': 'fresh-id-2', 'X-Hub-Signature': upper(h['X-Hub-Signature'] as string) }),
        (h) => without(h, 'X-Orchest-Delivery'),
        (h) => ({ ...without(h, 'X-Hub-Signature'), 'X-Orchest-Signature': h['X-Hub-Signature'] as string, 'X-Orchest-Delivery': 'id-3' }),
      ],
    },
    {
      ...dcPost,
      provider: 'designer-cloud',
      variants: [
        // ", " and a second sha256= are what a joined duplicate header looks like, so they are
        // MALFORMED_SIGNATURE (attacks-duplicate-headers.test.ts), not other spellings of one delivery
        () => ({ 'X-Webhook-Signature': `${sha},${t}` }),
        () => ({ 'X-Webhook-Signature': `${t},${upper(sha, 7)}` }),
        () => ({ 'X-Webhook-Signature': ` ${t} ,${sha} ` }),
        () => ({ 'X-Webhook-Signature': `${t},v0=abc,${sha}` }),
      ],
    },
    {
      ...dcGet,
      provider: 'designer-cloud',
      variants: [
        (h) => ({
          'X-Webhook-Signature': upper(h['X-Webhook-Signature'] as string)
            .replace('T=', 't=')
            .replace('SHA256=', 'sha256='),
        }),
        // the method is not signed: a DELETE replay of a processed GET is the same delivery
        (h) => ({ ...h, 'x-method': 'DELETE' }),
      ],
    },
    {
      ...github,
      provider: 'github',
      variants: [
        (h) => ({ ...h, 'X-GitHub-Delivery': 'fresh-guid-1' }),
        (h) => ({ ...h, 'X-GitHub-Delivery': 'fresh-guid-2', 'X-Hub-Signature-256': upper(h['X-Hub-Signature-256'] as string, 7) }),
        (h) => ({ ...h, 'X-GitHub-Event': 'push' }),
      ],
    },
    {
      ...sw,
      provider: 'standard-webhooks',
      variants: [
        (h) => ({ ...h, 'webhook-signature': (h['webhook-signature'] as string).split(' ').reverse().join(' ') }),
        (h) => ({ ...h, 'webhook-signature': `v2,xyz ${(h['webhook-signature'] as string).split(' ')[2]}` }),
        (h) => ({ ...h, 'webhook-signature': b64url((h['webhook-signature'] as string).split(' ')[2] as string) }),
        (h) => ({
          'svix-id': h['webhook-id'] as string,
          'svix-timestamp': h['webhook-timestamp'] as string,
          'svix-signature': h['webhook-signature'] as string,
        }),
        (h) => ({
          ...h,
          'webhook-signature': `${(h['webhook-signature'] as string).split(' ')[1]}  ${(h['webhook-signature'] as string).split(' ')[2]}`,
        }),
      ],
    },
    {
      ...up42,
      provider: 'up42',
      variants: [
        (h) => ({ ...h, Signature: upSig.replace('up42-sig=', 'other=') }),
        (h) => ({ ...h, 'Signature-Input': 'up42-sig=(content-digest date);created=1700000100' }),
        (h) => ({ ...h, 'Signature-Input': 'up42-sig=( "content-digest"   "date" )' }),
        (h) => ({ ...h, Signature: b64url(upSig) }),
        (h) => ({ ...h, Signature: `up42-sig=:${upSig.slice('up42-sig='.length)}:` }),
        (h) => ({ ...h, 'Signature-Input': `${h['Signature-Input']};keyid="k1";created=1`, 'X-Request-Id': 'r-2' }),
      ],
    },
  ]
}

/** The captured delivery, as the attacker resends it. */
function input(c: Captured, headers: Headers) {
  const method = headers['x-method'] ?? c.method
  return { body: c.body, headers: without(headers, 'x-method'), method, url: c.url }
}

describe.each(backends)('attacks on duplicate detection (%s)', (_name, api: Api) => {
  const verifierFor = (c: Captured, store = new api.MemoryReplayStore()) =>
    api.createVerifier({ provider: c.provider, secret: c.secret, now: () => c.now, replayStore: store })

  it.each(captures().map((c) => [`${c.provider}${c.method ? ` ${c.method}` : ''}`, c] as const))(
    '%s: a capture replayed with every unsigned change is processed once, and the store holds one key',
    async (_label, c) => {
      const store = new api.MemoryReplayStore()
      const verifier = verifierFor(c, store)
      const first = await verifier.check(input(c, c.headers))
      if (!first.ok) throw new Error(`${first.code}: ${first.message}`)
      await first.webhook.complete()
      for (const [i, change] of c.variants.entries()) {
        const r = await verifier.check(input(c, change(c.headers)))
        expect(r.ok ? `variant ${i} processed again` : r.code).toBe('DUPLICATE_DELIVERY')
        expect(!r.ok && r.status).toBe(200)
      }
      expect(store.size).toBe(1)
    },
  )

  it('keys: the signed id for standard-webhooks and up42, the verified MAC for the rest; deliveryId stays the vendor id', async () => {
    const keys: Record<string, [string | undefined, string | undefined]> = {}
    for (const c of captures()) {
      const r = await verifierFor(c).check(input(c, c.headers))
      if (!r.ok) throw new Error(`${c.provider}: ${r.code} ${r.message}`)
      keys[`${c.provider}${c.method ?? ''}`] = [r.webhook.replayKey, r.webhook.deliveryId]
    }
    // providers-list: keys pinned to the fixed vectors, one per capture
    expect(keys).toEqual({
      y42: ['y42:mac:b567643744c62365c2eaa9d26ecbb759', undefined],
      orchest: ['orchest:mac:013a0a24404eb66602371fcd644128bd', '0b8d5c8e-7a51-4a57-9d36-6c1b7f3c2e10'],
      'designer-cloudPOST': ['designer-cloud:mac:d27803d9c29d0e60487e46c4e0457642', undefined],
      'designer-cloudGET': ['designer-cloud:mac:3aab201fb0335d7573d92d9b6afe04f2', undefined],
      github: ['github:mac:757107ea0eb2509fc211221cce984b8a', undefined],
      'standard-webhooks': ['standard-webhooks:id:msg_p5jXN8AQM9LWM0D4loKWxJek', 'msg_p5jXN8AQM9LWM0D4loKWxJek'],
      up42: ['up42:id:0f8fad5b-d9cb-469f-a165-70867728950e', '0f8fad5b-d9cb-469f-a165-70867728950e'],
    })
  })

  it('a delivery matched by the previous secret is keyed like the same content under the current one', async () => {
    const v = vector('y42-json')
    const store = new api.MemoryReplayStore()
    const verifier = api.createVerifier({ provider: 'y42', secrets: ['new-secret', v.secret], now: () => v.now, replayStore: store })
    const old = await verifier.check({ body: v.body, headers: v.headers })
    expect(old.ok && old.webhook.secretIndex).toBe(1)
    const current = await api.sign('y42', { secret: 'new-secret', body: v.body })
    expect(old.ok && old.webhook.replayKey).toBe(`y42:mac:${current['X-Y42-Signature']?.slice(7, 39)}`)
    if (old.ok) await old.webhook.complete()
    const again = await verifier.check({ body: v.body, headers: current })
    expect(again.ok ? 'processed twice' : again.code).toBe('DUPLICATE_DELIVERY')
  })

  it('an old capture sent with the delivery id of a real failed delivery does not make the real retry a duplicate', async () => {
    const secret = 'test-secret-1'
    const store = new api.MemoryReplayStore()
    const verifier = api.createVerifier({ provider: 'orchest', secret, replayStore: store })
    const realBody = '{"event": {"type": "project:one-off-job:failed", "uuid": "real"}}'
    const oldBody = '{"event": {"type": "ping", "uuid": "captured-last-month"}}'
    const real = await api.sign('orchest', { secret, body: realBody, id: 'real-delivery' })
    const captured = await api.sign('orchest', { secret, body: oldBody, id: 'old-delivery' })
    // the real delivery's first attempt fails: the claim is released for Orchest's retry
    const attempt = await verifier.check({ body: realBody, headers: real })
    if (!attempt.ok) throw new Error(attempt.code)
    await attempt.webhook.abort()
    // the attacker sends the old capture under the real id, and it is processed
    const poison = await verifier.check({ body: oldBody, headers: { ...captured, 'X-Orchest-Delivery': 'real-delivery' } })
    if (!poison.ok) throw new Error(poison.code)
    expect(poison.webhook.deliveryId).toBe('real-delivery')
    await poison.webhook.complete()
    // Orchest retries the real delivery: it must be processed, not acknowledged as a duplicate
    const retry = await verifier.check({ body: realBody, headers: real })
    expect(retry.ok ? 'processed' : retry.code).toBe('processed')
    // and while a real delivery is pending, a capture under its id does not take its claim either
    const pending = await api.sign('orchest', { secret, body: '{"event": {"uuid": "pending"}}', id: 'pending-1' })
    const held = await verifier.check({ body: '{"event": {"uuid": "pending"}}', headers: pending })
    expect(held.ok).toBe(true)
    const other = await verifier.check({ body: oldBody, headers: { ...captured, 'X-Orchest-Delivery': 'pending-1' } })
    expect(other.ok ? 'processed' : other.code).toBe('DUPLICATE_DELIVERY') // the old capture's own key: done
    if (held.ok) await held.webhook.complete()
  })

  it('10,000 replays of one capture with distinct X-Orchest-Delivery ids leave a processed delivery remembered (maxEntries 1000)', async () => {
    const secret = 'test-secret-1'
    const store = new api.MemoryReplayStore({ maxEntries: 1000 })
    const verifier = api.createVerifier({ provider: 'orchest', secret, replayStore: store })
    const processedBody = '{"event": {"uuid": "processed"}}'
    const processed = await api.sign('orchest', { secret, body: processedBody, id: 'p-1' })
    const p = await verifier.check({ body: processedBody, headers: processed })
    if (!p.ok) throw new Error(p.code)
    await p.webhook.complete()
    const captureBody = '{"event": {"uuid": "captured"}}'
    const captured = await api.sign('orchest', { secret, body: captureBody, id: 'c-1' })
    let handled = 0
    for (let i = 0; i < 10_000; i++) {
      const r = await verifier.check({ body: captureBody, headers: { ...captured, 'X-Orchest-Delivery': `flood-${i}` } })
      if (r.ok) {
        handled++
        await r.webhook.complete()
      }
    }
    expect(handled).toBe(1)
    expect(store.size).toBe(2)
    const again = await verifier.check({ body: processedBody, headers: processed })
    expect(again.ok ? 'processed twice' : again.code).toBe('DUPLICATE_DELIVERY')
  }, 60_000)

  it('xplenty (dedupFallback none) and unsigned-body deliveries get no key: a MAC that is not the body names no delivery', async () => {
    const store = new api.MemoryReplayStore()
    const x = vector('xplenty-hmac-sha1')
    const xr = await api
      .createVerifier({ provider: 'xplenty', secret: x.secret, replayStore: store })
      .check({ body: x.body, headers: x.headers })
    expect(xr.ok && xr.webhook.replayKey).toBeUndefined()
    const u = vector('up42-date-only-unsigned-body')
    const ur = await api
      .createVerifier({ provider: 'up42', secret: u.secret, now: () => u.now, replayStore: store, allowUnsignedBody: true })
      .check({ body: u.body, headers: u.headers })
    expect(ur.ok && ur.webhook.bodyAuthenticated).toBe(false)
    expect(ur.ok && ur.webhook.replayKey).toBeUndefined()
    expect(store.size).toBe(0)
  })

  it('property: random spellings and unsigned header changes of a capture always map to the same replayKey', async () => {
    const hexCase = (hex: string, flips: boolean[]) => [...hex].map((ch, i) => (flips[i % flips.length] ? ch.toUpperCase() : ch)).join('')
    const space = fc.constantFrom('', ' ', '  ', '\t')
    const flips = fc.array(fc.boolean(), { minLength: 1, maxLength: 64 })
    const id = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && !/[\r\n]/.test(s))
    const cs = captures()
    const get = (p: string, method?: string) =>
      cs.find((c) => c.provider === p && (method === undefined || c.method === method)) as Captured
    const respell: Array<[Captured, fc.Arbitrary<Headers>]> = [
      [
        get('y42'),
        flips.map((f) => ({
          ...get('y42').headers,
          'x-y42-signature': `sha256=${hexCase((get('y42').headers['x-y42-signature'] as string).slice(7), f)}`,
        })),
      ],
      [
        get('orchest'),
        fc.tuple(flips, fc.option(id, { nil: undefined }), fc.boolean()).map(([f, d, legacy]) => {
          const h = get('orchest').headers
          const sig = hexCase(h['X-Hub-Signature'] as string, f)
          const out: Headers = {
            ...without(without(h, 'X-Hub-Signature'), 'X-Orchest-Delivery'),
            [legacy ? 'X-Orchest-Signature' : 'X-Hub-Signature']: sig,
          }
          if (d !== undefined) out['X-Orchest-Delivery'] = d
          return out
        }),
      ],
      [
        get('github'),
        fc.tuple(flips, id).map(([f, d]) => {
          const h = get('github').headers
          return {
            ...h,
            'X-Hub-Signature-256': `sha256=${hexCase((h['X-Hub-Signature-256'] as string).slice(7), f)}`,
            'X-GitHub-Delivery': d,
          }
        }),
      ],
      [
        get('designer-cloud', 'POST'),
        // no space after the comma and one sha256=: ", " and repeated keys read as a duplicated header
        fc.tuple(flips, fc.boolean(), space, space).map(([f, swap, s1, s2]) => {
          const [t, sha] = (get('designer-cloud', 'POST').headers['X-Webhook-Signature'] as string).split(',') as [string, string]
          const sig = `sha256=${hexCase(sha.slice(7), f)}`
          const items = swap ? [sig, t] : [t, sig]
          return { 'X-Webhook-Signature': `${s1}${items.join(`${s2},`)}${s1}`, 'Content-Type': 'application/json' }
        }),
      ],
      [
        get('standard-webhooks'),
        fc
          .tuple(fc.shuffledSubarray(['v2,xyz', 'v1,notbase64', 'v1a,abc'], { minLength: 0 }), fc.boolean(), fc.boolean(), fc.nat())
          .map(([junk, url, svix, at]) => {
            const h = get('standard-webhooks').headers
            const valid = (h['webhook-signature'] as string).split(' ')[2] as string
            const list = [...junk]
            list.splice(at % (list.length + 1), 0, url ? b64url(valid) : valid)
            const p = svix ? 'svix' : 'webhook'
            return {
              [`${p}-id`]: h['webhook-id'] as string,
              [`${p}-timestamp`]: h['webhook-timestamp'] as string,
              [`${p}-signature`]: list.join(' '),
            }
          }),
      ],
      [
        get('up42'),
        fc
          .tuple(
            fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
            fc.boolean(),
            space,
            fc.option(fc.nat(), { nil: undefined }),
            fc.constantFrom('b64', 'url', 'colon'),
          )
          .map(([label, quoted, s, created, enc]) => {
            const h = get('up42').headers
            const b64 = (h.Signature as string).slice('up42-sig='.length)
            const value = enc === 'url' ? b64url(b64) : enc === 'colon' ? `:${b64}:` : b64
            const names = quoted ? '"content-digest" "date"' : 'content-digest date'
            return {
              ...h,
              Signature: `${label}=${value}`,
              'Signature-Input': `${label}=(${s}${names}${s})${created === undefined ? '' : `;created=${created}`}`,
            }
          }),
      ],
    ]
    for (const [c, arb] of respell) {
      const store = new api.MemoryReplayStore()
      const verifier = verifierFor(c, store)
      const first = await verifier.check(input(c, c.headers))
      if (!first.ok) throw new Error(`${c.provider}: ${first.code}`)
      const key = first.webhook.replayKey
      expect(key).toBeDefined()
      await first.webhook.abort()
      await fc.assert(
        fc.asyncProperty(arb, async (headers) => {
          const r = await verifier.check(input(c, headers))
          if (!r.ok) throw new Error(`${c.provider}: ${r.code} ${r.message}`)
          // released after each look, so the next spelling is claimed and shows its key
          await r.webhook.abort()
          expect(r.webhook.replayKey).toBe(key)
        }),
        { numRuns: 60 },
      )
      expect(store.size).toBe(0)
    }
  })
})
