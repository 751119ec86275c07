import { describe, expect, it } from 'vitest'
import { backends } from './backends.js'

const T = 1_700_000_000_000
const body = '{"id":"evt_1","status":"failed"}'

function tamperHexChar(value: string): string {
  const i = value.length - 5
  const c = value[i] === '0' ? '1' : '0'
  return value.slice(0, i) + c + value.slice(i + 1)
}

describe.each(backends)('negative cases per provider (%s)', (_name, api) => {
  const opts = (provider: string, extra: Record<string, unknown> = {}) => ({
    provider: provider as 'github',
    secret: 's3cret',
    now: () => T,
    ...extra,
  })
  const code = async (
    provider: string,
    headers: Record<string, string | string[]>,
    extra: Record<string, unknown> = {},
    b: string | Uint8Array = body,
  ) => {
    // method and url belong to the request; the rest are options (an unknown option key is a TypeError)
    const { method, url, ...options } = extra
    const r = await api.check({ body: b, headers, method: method as string, url: url as string }, opts(provider, options))
    return r.ok ? 'OK' : r.code
  }

  describe('prefix, case and one changed character', () => {
    it.each([
      ['github', 'X-Hub-Signature-256', 'sha256='],
      ['y42', 'X-Y42-Signature', 'sha256='],
    ])(
      '%s: prefix removed is MALFORMED_SIGNATURE, upper-case hex verifies, one changed hex digit is SIGNATURE_MISMATCH',
      async (provider, header, prefix) => {
        const h = await api.sign(provider as 'github', { secret: 's3cret', body })
        const value = h[header] as string
        expect(value.startsWith(prefix)).toBe(true)
        expect(await code(provider, { [header]: value.slice(prefix.length) })).toBe('MALFORMED_SIGNATURE')
        expect(await code(provider, { [header]: prefix + value.slice(prefix.length).toUpperCase() })).toBe('OK')
        expect(await code(provider, { [header]: tamperHexChar(value) })).toBe('SIGNATURE_MISMATCH')
        expect(await code(provider, { [header]: `${value}00` })).toBe('MALFORMED_SIGNATURE')
        expect(await code(provider, { [header]: [value, value] })).toBe('MALFORMED_SIGNATURE')
      },
    )

    it('orchest: a "sha256=" prefix added is MALFORMED_SIGNATURE; upper-case hex verifies; a GitHub sha1= header is MALFORMED and explained', async () => {
      const h = await api.sign('orchest', { secret: 's3cret', body })
      const value = h['X-Hub-Signature'] as string
      expect(value).toMatch(/^[0-9a-f]{64}$/)
      expect(await code('orchest', { 'x-hub-signature': `sha256=${value}` })).toBe('MALFORMED_SIGNATURE')
      expect(await code('orchest', { 'x-hub-signature': value.toUpperCase() })).toBe('OK')
      expect(await code('orchest', { 'x-hub-signature': tamperHexChar(value) })).toBe('SIGNATURE_MISMATCH')
      const err = await api.verify({ body, headers: { 'x-hub-signature': `sha1=${'ab'.repeat(20)}` } }, opts('orchest')).catch((e) => e)
      expect(err).toBeInstanceOf(api.WebhookVerificationError)
      expect(err.code).toBe('MALFORMED_SIGNATURE')
      expect(err.message).toContain('"sha1="')
      expect((await err.explain()).join('\n')).toMatch(/GitHub's legacy format.*provider "github"/)
    })

    it('orchest: a form body URL-decoded before verifying fails and the hint says so', async () => {
      const form = 'delivered_for=%7B%22name%22%3A+%22x%22%7D&event=%7B%22type%22%3A+%22ping%22%7D'
      const h = await api.sign('orchest', { secret: 's3cret', body: form })
      const decoded = decodeURIComponent(form.replaceAll('+', ' '))
      const err = await api
        .verify({ body: decoded, headers: { ...h, 'content-type': 'application/x-www-form-urlencoded' } }, opts('orchest'))
        .catch((e) => e)
      expect(err.code).toBe('SIGNATURE_MISMATCH')
      expect((await err.explain()).join('\n')).toContain('URL-decoded')
      const ok = await api.verify({ body: form, headers: { ...h, 'content-type': 'application/x-www-form-urlencoded' } }, opts('orchest'))
      expect(ok.payload).toEqual({ delivered_for: { name: 'x' }, event: { type: 'ping' } })
    })

    it('designer-cloud: t missing is MISSING_TIMESTAMP, sha256 missing or short is MALFORMED, fields in any order verify', async () => {
      const h = await api.sign('designer-cloud', { secret: 's3cret', body, now: T })
      const value = h['X-Webhook-Signature'] as string
      const [t, sig] = value.split(',') as [string, string]
      expect(await code('designer-cloud', { 'x-webhook-signature': sig })).toBe('MISSING_TIMESTAMP')
      expect(await code('designer-cloud', { 'x-webhook-signature': t })).toBe('MALFORMED_SIGNATURE')
      expect(await code('designer-cloud', { 'x-webhook-signature': `${t},${sig.slice(0, -2)}` })).toBe('MALFORMED_SIGNATURE')
      expect(await code('designer-cloud', { 'x-webhook-signature': `${sig},${t}` })).toBe('OK')
      expect(await code('designer-cloud', { 'x-webhook-signature': `${t},${sig.toUpperCase().replace('SHA256', 'sha256')}` })).toBe('OK')
      // ", " is how Fetch Headers and Node join two copies of the header: never one value of this grammar
      expect(await code('designer-cloud', { 'x-webhook-signature': `${t}, ${sig}` })).toBe('MALFORMED_SIGNATURE')
      expect(await code('designer-cloud', { 'x-webhook-signature': `t=${T + 1},${sig}` })).toBe('SIGNATURE_MISMATCH')
      expect(await code('designer-cloud', { 'x-webhook-signature': `${t},${t},${sig}` })).toBe('MALFORMED_SIGNATURE')
    })

    it('designer-cloud GET without a URL explains that the URL is signed; signedUrl fixes a proxied URL', async () => {
      const url = 'https://public.example.com/hook?job=1'
      const h = await api.sign('designer-cloud', { secret: 's3cret', body: '', now: T, method: 'GET', url })
      const r = await api.check({ body: '', headers: h, method: 'GET' }, opts('designer-cloud'))
      expect(!r.ok && r.message).toContain('signs the URL')
      expect(await code('designer-cloud', h, { method: 'GET', url: 'http://10.0.0.5:8080/hook?job=1' }, '')).toBe('SIGNATURE_MISMATCH')
      expect(await code('designer-cloud', h, { method: 'GET', url: 'http://10.0.0.5:8080/hook?job=1', signedUrl: url }, '')).toBe('OK')
      expect(await code('designer-cloud', h, { method: 'DELETE', url }, '')).toBe('OK')
    })

    it('xplenty: 40 hex is HMAC-SHA1, 64 hex is HMAC-SHA256, other lengths are MALFORMED; sha1-metadata is opt-in and unauthenticated', async () => {
      for (const hash of ['SHA-1', 'SHA-256'] as const) {
        const h = await api.sign('xplenty', { secret: 's3cret', body, hash })
        expect(h['X-Hook-Signature']).toHaveLength(hash === 'SHA-1' ? 40 : 64)
        expect(await code('xplenty', h)).toBe('OK')
        expect(await code('xplenty', { 'x-hook-signature': tamperHexChar(h['X-Hook-Signature'] as string) })).toBe('SIGNATURE_MISMATCH')
      }
      expect(await code('xplenty', { 'x-hook-signature': 'ab'.repeat(24) })).toBe('MALFORMED_SIGNATURE')
      expect(await code('xplenty', { 'x-hook-signature': `sha1=${'ab'.repeat(20)}` })).toBe('MALFORMED_SIGNATURE')
      // SHA-1("1234" + "job.completed" + url + "s3cret"), computed with Python hashlib; 1234 is the hook id
      const url = 'https://example.com/xplenty'
      const meta = await api.check(
        { body: '{"id":1234,"event":"job.completed"}', headers: { 'x-hook-signature': 'ee5c195c806483da802299aacce29cc6b7ef9ada' }, url },
        opts('xplenty', { xplentyScheme: 'sha1-metadata', xplentyMetadata: { hookId: 1234, url } }),
      )
      expect(meta.ok ? meta.webhook.bodyAuthenticated : meta.code).toBe(false)
    })
  })

  describe('timestamps at the edge of the 300 s tolerance', () => {
    it.each([
      ['designer-cloud', 1],
      ['standard-webhooks', 1000],
      ['up42', 1000],
    ])('%s: exactly at the tolerance verifies, one unit beyond is TIMESTAMP_TOO_OLD / TIMESTAMP_IN_FUTURE', async (provider, unitMs) => {
      const secret = provider === 'standard-webhooks' ? 'whsec_c2VjcmV0LWtleS1ieXRlcw==' : 's3cret'
      const h = await api.sign(provider as 'up42', { secret, body, now: T, id: 'msg_1' })
      const at = async (nowMs: number) => {
        const r = await api.check({ body, headers: h }, { provider: provider as 'up42', secret, now: () => nowMs })
        return r.ok ? 'OK' : r.code
      }
      expect(await at(T + 300_000)).toBe('OK')
      expect(await at(T + 300_000 + unitMs)).toBe('TIMESTAMP_TOO_OLD')
      expect(await at(T - 300_000)).toBe('OK')
      expect(await at(T - 300_000 - unitMs)).toBe('TIMESTAMP_IN_FUTURE')
    })

    it('toleranceSeconds widens or narrows the window', async () => {
      const h = await api.sign('designer-cloud', { secret: 's3cret', body, now: T })
      const r = await api.check({ body, headers: h }, opts('designer-cloud', { now: () => T + 10_000, toleranceSeconds: 5 }))
      expect(!r.ok && r.code).toBe('TIMESTAMP_TOO_OLD')
      expect(!r.ok && r.message).toMatch(/10 s old, beyond the 5 s tolerance/)
    })

    it('a seconds timestamp where ms are expected is explained', async () => {
      const h = await api.sign('designer-cloud', { secret: 's3cret', body, now: T / 1000 })
      const err = await api.verify({ body, headers: h }, opts('designer-cloud')).catch((e) => e)
      expect(err.code).toBe('TIMESTAMP_TOO_OLD')
      expect((await err.explain()).join('\n')).toContain('looks like seconds')
    })

    it.each([
      [`t=-5,sha256=${'a'.repeat(64)}`, 'MALFORMED_SIGNATURE'],
      [`t=1e12,sha256=${'a'.repeat(64)}`, 'MALFORMED_SIGNATURE'],
      [`t=12345678901234567890,sha256=${'a'.repeat(64)}`, 'MALFORMED_SIGNATURE'],
      [`t=,sha256=${'a'.repeat(64)}`, 'MALFORMED_SIGNATURE'],
      [`t=1700000000000.5,sha256=${'a'.repeat(64)}`, 'MALFORMED_SIGNATURE'],
    ])('designer-cloud %s is %s', async (value, expected) => {
      expect(await code('designer-cloud', { 'x-webhook-signature': value })).toBe(expected)
    })

    it('standard-webhooks: missing timestamp is MISSING_TIMESTAMP, non-digit is MALFORMED, missing id is MALFORMED', async () => {
      const secret = 'whsec_c2VjcmV0LWtleS1ieXRlcw=='
      const h = await api.sign('standard-webhooks', { secret, body, now: T, id: 'msg_1' })
      const c = async (headers: Record<string, string>) => {
        const r = await api.check({ body, headers }, { provider: 'standard-webhooks', secret, now: () => T })
        return r.ok ? 'OK' : r.code
      }
      expect(await c(h)).toBe('OK')
      expect(await c({ ...h, 'webhook-timestamp': undefined as unknown as string })).toBe('MISSING_TIMESTAMP')
      expect(await c({ ...h, 'webhook-timestamp': '17e8' })).toBe('MALFORMED_SIGNATURE')
      expect(await c({ ...h, 'webhook-id': '' })).toBe('MALFORMED_SIGNATURE')
      expect(await c({ ...h, 'webhook-signature': 'v1a,abc' })).toBe('MALFORMED_SIGNATURE')
      expect(await c({ ...h, 'webhook-signature': `v2,x ${h['webhook-signature']}` })).toBe('OK')
      expect(await c({ ...h, 'webhook-id': 'msg_2' })).toBe('SIGNATURE_MISMATCH')
    })
  })

  describe('UP42 specifics', () => {
    const up = '{"event":"job.status","messageId":"m-1","body":{"status":"FAILED"}}'
    it('a changed body fails the Content-Digest; a stale Date fails; a listed header that is absent is MALFORMED', async () => {
      const h = await api.sign('up42', { secret: 's3cret', body: up, now: T })
      expect(await code('up42', h, {}, up)).toBe('OK')
      const changed = await api.check({ body: up.replace('FAILED', 'PASSED'), headers: h }, opts('up42'))
      expect(!changed.ok && changed.code).toBe('SIGNATURE_MISMATCH')
      expect(!changed.ok && changed.message).toContain('Content-Digest does not match the body')
      const { Date: _d, ...noDate } = h
      expect(await code('up42', noDate, {}, up)).toBe('MALFORMED_SIGNATURE')
      const date = new Date(T - 3_600_000).toUTCString()
      const old = await api.sign('up42', { secret: 's3cret', body: up, now: T, headers: { date } })
      const r = await api.check({ body: up, headers: { date, ...old } }, opts('up42'))
      expect(!r.ok && r.code).toBe('TIMESTAMP_TOO_OLD')
      expect(!r.ok && r.message).toContain('Date')
    })

    it('no digest listed is BODY_NOT_AUTHENTICATED naming the signed headers, unless allowUnsignedBody', async () => {
      const h = await api.sign('up42', { secret: 's3cret', body: up, now: T, digest: 'none' })
      const r = await api.check({ body: up, headers: h }, opts('up42'))
      expect(!r.ok && r.code).toBe('BODY_NOT_AUTHENTICATED')
      expect(!r.ok && r.message).toContain('date')
      const ok = await api.check({ body: up, headers: h }, opts('up42', { allowUnsignedBody: true }))
      expect(ok.ok && ok.webhook.bodyAuthenticated).toBe(false)
      expect(ok.ok && ok.webhook.deliveryId).toBe('m-1')
    })

    it('malformed Signature-Input and bad base64 are rejected; labels and created= are not checked (the MAC does not cover them)', async () => {
      const h = await api.sign('up42', { secret: 's3cret', body: up, now: T })
      expect(await code('up42', { ...h, 'Signature-Input': 'up42-sig=content-digest;created=1' }, {}, up)).toBe('MALFORMED_SIGNATURE')
      expect(await code('up42', { ...h, 'Signature-Input': 'up42-sig=();created=1' }, {}, up)).toBe('MALFORMED_SIGNATURE')
      // as UP42's sample verifier: the label of Signature is not compared, created= is not required
      expect(await code('up42', { ...h, Signature: h.Signature!.replace('up42-sig', 'other') }, {}, up)).toBe('OK')
      expect(await code('up42', { ...h, 'Signature-Input': h['Signature-Input']!.replace(/;created=\d+/, '') }, {}, up)).toBe('OK')
      expect(await code('up42', { ...h, Signature: 'up42-sig=not base64!' }, {}, up)).toBe('MALFORMED_SIGNATURE')
      expect(await code('up42', { ...h, Signature: undefined as unknown as string }, {}, up)).toBe('MISSING_SIGNATURE')
      expect(await code('up42', { ...h, 'Signature-Input': undefined as unknown as string }, {}, up)).toBe('MALFORMED_SIGNATURE')
    })
  })

  describe('bad input never crashes', () => {
    it('an oversized signature header is MALFORMED_SIGNATURE', async () => {
      expect(await code('orchest', { 'x-hub-signature': 'a'.repeat(100_000) })).toBe('MALFORMED_SIGNATURE')
      expect(
        await code('up42', { signature: `up42-sig=${'A'.repeat(50_000)}`, 'signature-input': 'up42-sig=("date");created=1700000000' }),
      ).toBe('MALFORMED_SIGNATURE')
    })

    it('a non-UTF-8 body verifies; as JSON it is INVALID_PAYLOAD, without a content type the payload is the bytes', async () => {
      const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x80])
      const h = await api.sign('orchest', { secret: 's3cret', body: bytes })
      expect(await code('orchest', { ...h, 'content-type': 'application/json' }, {}, bytes)).toBe('INVALID_PAYLOAD')
      const r = await api.check({ body: bytes, headers: h }, opts('orchest'))
      expect(r.ok && r.webhook.payload).toEqual(bytes)
    })

    it('invalid JSON after a valid signature is INVALID_PAYLOAD; parse: false skips parsing', async () => {
      const h = await api.sign('github', { secret: 's3cret', body: '{nope' })
      expect(await code('github', { ...h, 'content-type': 'application/json' }, {}, '{nope')).toBe('INVALID_PAYLOAD')
      expect(await code('github', { ...h, 'content-type': 'application/json' }, { parse: false }, '{nope')).toBe('OK')
    })

    it('an empty body verifies with payload undefined; a body of the wrong type is INVALID_PAYLOAD', async () => {
      const h = await api.sign('y42', { secret: 's3cret', body: '' })
      const r = await api.check({ body: new Uint8Array(0), headers: h }, opts('y42'))
      expect(r.ok && r.webhook.payload).toBeUndefined()
      expect(r.ok).toBe(true)
      const bad = await api.check({ body: { a: 1 } as unknown as string, headers: h }, opts('y42'))
      expect(!bad.ok && bad.code).toBe('INVALID_PAYLOAD')
      expect(!bad.ok && bad.message).toContain('raw bytes')
    })

    it('Buffer, ArrayBuffer, DataView and string bodies give the same result; rawBody is the same Buffer', async () => {
      const h = await api.sign('github', { secret: 's3cret', body })
      const buf = Buffer.from(body)
      const r = await api.check({ body: buf, headers: h }, opts('github'))
      expect(r.ok && r.webhook.rawBody).toBe(buf)
      const ab = new TextEncoder().encode(body).buffer
      expect(await code('github', h, {}, ab as unknown as Uint8Array)).toBe('OK')
      expect(await code('github', h, {}, new DataView(ab) as unknown as Uint8Array)).toBe('OK')
    })
  })
})
