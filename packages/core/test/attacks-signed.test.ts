/**
 * Freshness and authenticity only from signed bytes (issue #13). Each attack starts from a
 * captured, validly signed delivery and applies what an attacker without the secret can change.
 */
import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { backends, type Vector } from './backends.js'
import vectors from './vectors/vectors.json' with { type: 'json' }

const all = vectors as unknown as Vector[]
const vector = (id: string) => all.find((v) => v.id === id) as Vector

const T = 1_700_000_000_000
const DAY = 86_400_000
const secret = 'test-secret-1'

/** The UP42 envelope with its own ISO 8601 `timestamp`. */
function up42Body(atMs: number | undefined, messageId = 'm-1'): string {
  const envelope: Record<string, unknown> = { event: 'job.status', liveMode: true, messageId }
  if (atMs !== undefined) envelope.timestamp = new Date(atMs).toISOString()
  envelope.body = { id: 'job-1', status: 'SUCCEEDED' }
  return JSON.stringify(envelope)
}

const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]))

describe.each(backends)('attacks on freshness and authenticity (%s)', (_name, api) => {
  const up42 = (extra: Record<string, unknown> = {}) => ({ provider: 'up42' as const, secret, now: () => T, ...extra })

  describe('UP42: freshness rests on a value the MAC covers', () => {
    it('a capture 30 days old with "date" renamed to x-copy (same text), a fresh Date and created=now is TIMESTAMP_TOO_OLD', async () => {
      const then = T - 30 * DAY
      const body = up42Body(then)
      const captured = lower(await api.sign('up42', { secret, body, now: then }))
      expect(captured['signature-input']).toBe(`up42-sig=("content-digest" "date");created=${then / 1000}`)
      const attack = {
        ...captured,
        'x-copy': captured.date as string,
        date: new Date(T).toUTCString(),
        'signature-input': `up42-sig=("content-digest" "x-copy");created=${T / 1000}`,
      }
      const r = await api.check({ body, headers: attack }, up42())
      expect(r.ok ? 'accepted' : r.code).toBe('TIMESTAMP_TOO_OLD')
      expect(!r.ok && r.message).toContain('"timestamp" of the signed UP42 body')
    })

    it('the same attack on a body without its own timestamp is MISSING_TIMESTAMP, and the message names the listed headers', async () => {
      const then = T - 30 * DAY
      const body = up42Body(undefined)
      const captured = lower(await api.sign('up42', { secret, body, now: then }))
      const attack = {
        ...captured,
        'x-copy': captured.date as string,
        date: new Date(T).toUTCString(),
        'signature-input': `up42-sig=("content-digest" "x-copy");created=${T / 1000}`,
      }
      const r = await api.check({ body, headers: attack }, up42())
      expect(r.ok ? 'accepted' : r.code).toBe('MISSING_TIMESTAMP')
      expect(!r.ok && r.message).toContain('covers no time')
      expect(!r.ok && r.message).toContain('content-digest, x-copy')
    })

    it('a fresh created= never rescues a stale signed Date', async () => {
      const then = T - 30 * DAY
      const body = up42Body(T)
      const captured = lower(await api.sign('up42', { secret, body, now: then }))
      const attack = { ...captured, 'signature-input': `up42-sig=("content-digest" "date");created=${T / 1000}` }
      const r = await api.check({ body, headers: attack }, up42())
      expect(r.ok ? 'accepted' : r.code).toBe('TIMESTAMP_TOO_OLD')
      expect(!r.ok && r.message).toContain('signed Date header')
    })

    it('property: no rename, re-split or re-ordering of the list and no created= makes a 30-day-old capture accepted', async () => {
      const then = T - 30 * DAY
      for (const withTime of [true, false]) {
        const body = up42Body(withTime ? then : undefined)
        const captured = lower(await api.sign('up42', { secret, body, now: then }))
        const signed = `${captured['content-digest']}${captured.date}`
        const names = ['content-digest', 'digest', 'date', 'x-copy', 'x-date', 'DATE', 'Content-Digest', 'x-a']
        await fc.assert(
          fc.asyncProperty(
            fc.uniqueArray(fc.constantFrom(...names), { minLength: 1, maxLength: 3, selector: (n) => n.toLowerCase() }),
            // cut mostly where the captured values meet, so that the MAC still holds
            fc.array(
              fc.oneof(
                { arbitrary: fc.constant((captured['content-digest'] as string).length), weight: 3 },
                { arbitrary: fc.nat({ max: signed.length }), weight: 1 },
              ),
              { minLength: 2, maxLength: 2 },
            ),
            // mostly a fresh created=, which is what the attacker would send
            fc.option(
              fc.oneof(fc.constant(T / 1000), fc.integer({ min: T / 1000 - 300, max: T / 1000 + 300 }), fc.nat({ max: 4_000_000_000 })),
              { nil: undefined, freq: 10 },
            ),
            fc.boolean(),
            fc.boolean(),
            async (list, cuts, created, quoted, freshDate) => {
              // split the signed text at random points and give each piece to a listed name, so the
              // concatenation (all the MAC covers) is unchanged in most runs
              const [a, b] = [...cuts].sort((x, y) => x - y) as [number, number]
              const pieces =
                list.length === 1
                  ? [signed]
                  : list.length === 2
                    ? [signed.slice(0, a), signed.slice(a)]
                    : [signed.slice(0, a), signed.slice(a, b), signed.slice(b)]
              const headers: Record<string, string> = { 'content-type': 'application/json', signature: captured.signature as string }
              if (freshDate) headers.date = new Date(T).toUTCString()
              list.forEach((n, i) => {
                headers[n.toLowerCase()] = pieces[i] as string
              })
              const spelled = list.map((n) => (quoted ? `"${n}"` : n)).join(' ')
              headers['signature-input'] = `up42-sig=(${spelled})${created === undefined ? '' : `;created=${created}`}`
              const r = await api.check({ body, headers }, up42())
              expect(r.ok).toBe(false)
            },
          ),
          { numRuns: 150 },
        )
      }
    })

    it('a delivery signing only the digest is fresh by its body timestamp, and the result timestamp is that time', async () => {
      const at = T - 12_345
      const body = up42Body(at)
      const headers = await api.sign('up42', { secret, body, now: T - 10 * DAY, signedHeaders: ['content-digest'] })
      const r = await api.check({ body, headers }, up42())
      if (!r.ok) throw new Error(`${r.code}: ${r.message}`)
      expect(r.webhook.timestamp).toBe(at)
      expect(r.webhook.covered).toEqual(['content-digest', 'body'])
      const late = await api.check({ body, headers }, up42({ now: () => at + 301_000 }))
      expect(late.ok ? 'accepted' : late.code).toBe('TIMESTAMP_TOO_OLD')
    })

    it('signed content with no time at all is MISSING_TIMESTAMP unless allowUnsignedTimestamp', async () => {
      const body = up42Body(undefined)
      const headers = await api.sign('up42', { secret, body, now: T, signedHeaders: ['content-digest'] })
      const r = await api.check({ body, headers }, up42())
      expect(r.ok ? 'accepted' : r.code).toBe('MISSING_TIMESTAMP')
      const ok = await api.check({ body, headers }, up42({ allowUnsignedTimestamp: true }))
      expect(ok.ok && ok.webhook.timestamp).toBeUndefined()
      expect(ok.ok && ok.webhook.bodyAuthenticated).toBe(true)
      // without a digest the body's timestamp is not signed: it does not count
      const bare = await api.sign('up42', {
        secret,
        body: up42Body(T),
        now: T,
        digest: 'none',
        signedHeaders: ['x-tenant'],
        headers: { 'x-tenant': 'acme' },
      })
      const r2 = await api.check({ body: up42Body(T), headers: { ...bare, 'x-tenant': 'acme' } }, up42({ allowUnsignedBody: true }))
      expect(r2.ok ? 'accepted' : r2.code).toBe('MISSING_TIMESTAMP')
    })

    it('with both signed, the Date decides (the body timestamp may be the event time) and is the result timestamp', async () => {
      const body = up42Body(T - 5 * DAY)
      const headers = await api.sign('up42', { secret, body, now: T })
      const r = await api.check({ body, headers }, up42())
      expect(r.ok && r.webhook.timestamp).toBe(T)
      expect(r.ok && r.webhook.covered).toEqual(['content-digest', 'date', 'body'])
    })

    it('the published-format vector verifies with unquoted header names, another label and no created=', async () => {
      const v = vector('up42-content-digest')
      const headers = {
        ...v.headers,
        'Signature-Input': 'sig1=(content-digest date)',
        Signature: v.headers.Signature?.replace('up42-sig=', 'sig1=') as string,
      }
      const r = await api.check({ body: v.body, headers }, { provider: 'up42', secret: v.secret, now: () => v.now })
      if (!r.ok) throw new Error(`${r.code}: ${r.message}`)
      expect(r.webhook.timestamp).toBe(v.now)
      expect(r.webhook.deliveryId).toBe(v.deliveryId)
    })

    it('a signed Date that is not a whole HTTP date (a shifted slice of the signed text) is MALFORMED_SIGNATURE', async () => {
      const v = vector('up42-content-digest')
      const digest = v.headers['Content-Digest'] as string
      const date = v.headers.Date as string
      // same concatenation, boundary moved: "date" now starts with the digest's last character
      const headers = {
        ...v.headers,
        'Content-Digest': digest.slice(0, -1),
        Date: digest.slice(-1) + date,
        'Signature-Input': 'up42-sig=("content-digest" "date")',
      }
      const r = await api.check({ body: v.body, headers }, { provider: 'up42', secret: v.secret, now: () => v.now })
      expect(r.ok ? 'accepted' : r.code).toBe('MALFORMED_SIGNATURE')
    })
  })

  describe('Designer Cloud: what a URL-signed request covers', () => {
    const dc = (v: Vector, extra: Record<string, unknown> = {}) => ({
      provider: 'designer-cloud' as const,
      secret: v.secret,
      now: () => v.now,
      ...extra,
    })

    it('a captured GET signature replayed as DELETE of the same URL verifies: the method is not signed, and covered says so', async () => {
      const v = vector('designer-cloud-get')
      const r = await api.check({ body: '', headers: v.headers, method: 'DELETE', url: v.url }, dc(v))
      if (!r.ok) throw new Error(`${r.code}: ${r.message}`)
      expect(r.webhook.covered).toEqual(['timestamp', 'url'])
      expect(r.webhook.covered).not.toContain('method')
      const post = await api.check({ body: vector('designer-cloud-post').body, headers: vector('designer-cloud-post').headers }, dc(v))
      expect(post.ok && post.webhook.covered).toEqual(['timestamp', 'body'])
    })

    it('a captured GET with a body added is BODY_NOT_AUTHENTICATED; with allowUnsignedBody the body stays out of payload', async () => {
      const v = vector('designer-cloud-get')
      const body = '{"jobId":"666","jobStatus":"Failed"}'
      const headers = { ...v.headers, 'content-type': 'application/json' }
      const r = await api.check({ body, headers, method: 'GET', url: v.url }, dc(v))
      expect(r.ok ? 'accepted' : r.code).toBe('BODY_NOT_AUTHENTICATED')
      expect(!r.ok && r.message).toContain('covers only the timestamp and the URL')
      const opt = await api.check({ body, headers, method: 'GET', url: v.url }, dc(v, { allowUnsignedBody: true }))
      if (!opt.ok) throw new Error(`${opt.code}: ${opt.message}`)
      expect(opt.webhook.bodyAuthenticated).toBe(false)
      expect(opt.webhook.payload).toBeUndefined()
    })

    it('property: no non-empty body on a URL-signed request ever yields an authenticated payload', async () => {
      const v = vector('designer-cloud-get')
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: 1, maxLength: 300 }),
          fc.constantFrom('GET', 'get', 'DELETE', 'HEAD', 'Delete'),
          fc.constantFrom(undefined, 'application/json', 'text/plain', 'application/x-www-form-urlencoded'),
          fc.boolean(),
          async (body, method, type, allow) => {
            const headers: Record<string, string> = { ...v.headers }
            if (type !== undefined) headers['content-type'] = type
            const r = await api.check({ body, headers, method, url: v.url }, dc(v, { allowUnsignedBody: allow }))
            if (r.ok) {
              expect(r.webhook.bodyAuthenticated).toBe(false)
              expect(r.webhook.payload).toBeUndefined()
            } else expect(r.code).toBe('BODY_NOT_AUTHENTICATED')
            expect(r.ok).toBe(allow)
          },
        ),
        { numRuns: 100 },
      )
    })
  })

  describe('Standard Webhooks: as the spec and reference libraries', () => {
    const sw = all.find((v) => v.id === 'standard-webhooks-published') as Vector
    const run = (headers: Record<string, string>, s = sw.secret, body = sw.body) =>
      api.check({ body, headers }, { provider: 'standard-webhooks', secret: s, now: () => sw.now })

    it('a secret without its "=" padding is accepted (signature computed with node:crypto as the oracle)', async () => {
      const key = Buffer.from('c2VjcmV0LWtleS1ieXRlcw==', 'base64')
      const sig = createHmac('sha256', key)
        .update(`msg_1.${sw.now / 1000}.${sw.body}`)
        .digest('base64')
      const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(sw.now / 1000), 'webhook-signature': `v1,${sig}` }
      const padded = await run(headers, 'whsec_c2VjcmV0LWtleS1ieXRlcw==')
      const unpadded = await run(headers, 'whsec_c2VjcmV0LWtleS1ieXRlcw')
      expect(padded.ok).toBe(true)
      expect(unpadded.ok ? 'ok' : unpadded.code).toBe('ok')
      expect((await run(sw.headers)).ok).toBe(true)
    })

    it('malformed and unknown entries before the valid v1 are skipped; the published vector still verifies', async () => {
      const valid = sw.headers['webhook-signature'] as string
      // not 'v1,' before another entry: "v1, v1,<sig>" is also what two joined headers look like,
      // and a duplicated header is MALFORMED_SIGNATURE (attacks-duplicate-headers.test.ts)
      for (const extra of ['v2,xyz', 'v1,notbase64', 'v1a,abc', 'garbage', `v1,${'A'.repeat(43)}=`]) {
        const r = await run({ ...sw.headers, 'webhook-signature': `${extra} ${valid}` })
        expect(r.ok ? 'ok' : `${extra}: ${r.code}`).toBe('ok')
      }
    })

    it('only malformed entries is MALFORMED_SIGNATURE; well-formed v1 entries that do not match are SIGNATURE_MISMATCH', async () => {
      const only = await run({ ...sw.headers, 'webhook-signature': 'v2,xyz v1,notbase64 v1a,abc' })
      expect(only.ok ? 'accepted' : only.code).toBe('MALFORMED_SIGNATURE')
      const wrong = await run({ ...sw.headers, 'webhook-signature': `v1,notbase64 v1,${'A'.repeat(43)}=` })
      expect(wrong.ok ? 'accepted' : wrong.code).toBe('SIGNATURE_MISMATCH')
    })

    it('svix-id, svix-timestamp and svix-signature are read when the webhook- headers are absent, detection included', async () => {
      const headers = {
        'svix-id': sw.headers['webhook-id'] as string,
        'svix-timestamp': sw.headers['webhook-timestamp'] as string,
        'svix-signature': sw.headers['webhook-signature'] as string,
      }
      const r = await run(headers)
      expect(r.ok && r.webhook.deliveryId).toBe('msg_p5jXN8AQM9LWM0D4loKWxJek')
      expect(r.ok && r.webhook.covered).toEqual(['id', 'timestamp', 'body'])
      const detected = await api.check(
        { body: sw.body, headers },
        {
          providers: [
            { provider: 'orchest', secret: 'x' },
            { provider: 'standard-webhooks', secret: sw.secret },
          ],
          now: () => sw.now,
        },
      )
      expect(detected.ok && detected.webhook.provider).toBe('standard-webhooks')
      const changedId = await run({ ...headers, 'svix-id': 'msg_other' })
      expect(changedId.ok ? 'accepted' : changedId.code).toBe('SIGNATURE_MISMATCH')
    })

    it('a processed delivery is remembered at least as long as the spec retry schedule (75 h 35 min 5 s)', () => {
      expect(api.providers['standard-webhooks'].replayTtlSeconds).toBeGreaterThanOrEqual(75 * 3600 + 35 * 60 + 5)
    })

    it('property: garbage entries anywhere around the valid one never reject it; without a valid v1 nothing is accepted', async () => {
      const valid = sw.headers['webhook-signature'] as string
      // one comma at most, never last: a second comma or ", " is a joined duplicate header
      const junk = fc.oneof(
        fc.stringMatching(/^[^\s,]{1,30}$/),
        fc.stringMatching(/^v1,[A-Za-z0-9+/=_-]{1,50}$/),
        fc.stringMatching(/^v[0-9a-z]{1,3},[^\s,]{1,40}$/),
      )
      await fc.assert(
        fc.asyncProperty(fc.array(junk, { maxLength: 5 }), fc.nat(), async (entries, at) => {
          const list = [...entries]
          list.splice(at % (list.length + 1), 0, valid)
          expect((await run({ ...sw.headers, 'webhook-signature': list.join(' ') })).ok).toBe(true)
          const without = await run({ ...sw.headers, 'webhook-signature': entries.join(' ') || 'v2,x' })
          expect(without.ok).toBe(false)
        }),
        { numRuns: 150 },
      )
    })
  })
})
