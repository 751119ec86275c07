import { execFile } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import fc from 'fast-check'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildCase } from '../src/faults/cases.js'
import { signDelivery } from '../src/sign.js'
import { githubEvent } from '../src/vendors/github.js'
import { orchestEvent } from '../src/vendors/orchest.js'
import { standardWebhooksEvent } from '../src/vendors/standard-webhooks.js'
import { fakeClock, send } from '../src/wire/send.js'
import { DEV_SECRETS, endToEndPairs, startApp, startDev, type TestApp, type TestDev } from './dev-support.js'

let app: TestApp
let t: TestDev
beforeAll(async () => {
  app = await startApp()
  t = await startDev({ forward: `${app.url}/webhooks` })
})
afterAll(async () => {
  await t.cleanup()
  await app.close()
})
beforeEach(() => {
  app.answer = 202
  t.dev.setForced(null)
})

const orchest = (seed: string) => orchestEvent({ type: 'project:one-off-job:pipeline-run:failed', seed })

async function api(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${t.dev.url}/_hookproof/api/${path}`, {
    method: init.method ?? 'GET',
    headers: { 'x-hookproof-token': t.dev.token, 'content-type': 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & Record<number, unknown> }
}

/** A raw POST of exact bytes and raw header pairs. */
function rawPost(path: string, headers: string[], body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    // with a raw header list node:http adds no Host of its own
    const all = ['Host', `127.0.0.1:${t.dev.port}`, ...headers]
    const req = request(`${t.dev.url}${path}`, { method: 'POST', headers: all, agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** A raw request with a Host header of our choosing (fetch does not let one set Host). */
function rawGet(path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.dev.url}${path}`, { headers: { host }, agent: false }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

const last = () => t.dev.store.list().at(-1)

describe('hookproof dev: the receiver', () => {
  it('verifies, stores byte-exact, forwards byte-exact with the path appended, and gives the vendor the app’s status', async () => {
    const signed = await signDelivery(orchest('dev-valid'), { secret: DEV_SECRETS.orchest })
    const before = app.requests.length
    const result = await send(signed, { url: `${t.dev.url}/orchest` })
    expect(result.attempts[0]?.status).toBe(202)

    const record = last()
    expect(record?.verdict).toMatchObject({
      ok: true,
      provider: 'orchest',
      event: signed.event,
      deliveryId: signed.deliveryId,
      covered: ['body'],
    })
    expect(record?.app).toMatchObject({ status: 202, url: `${app.url}/webhooks/orchest` })
    expect(record?.answered).toBe(202)
    // on disk: the body file is the signed bytes, headers in the vendor's order and casing
    expect(t.dev.store.body(record?.id as string)?.equals(Buffer.from(signed.body))).toBe(true)
    expect(record?.rawHeaders.filter((_, i) => i % 2 === 0)).toEqual([
      'Host',
      'Accept-Encoding',
      'Content-Length',
      'Content-Type',
      'X-Orchest-Event',
      'X-Orchest-Delivery',
      'X-Hub-Signature',
      'User-Agent',
    ])

    expect(app.requests.length).toBe(before + 1)
    const got = app.requests.at(-1)
    expect(got?.method).toBe('POST')
    expect(got?.url).toBe('/webhooks/orchest')
    expect(got?.body.equals(Buffer.from(signed.body))).toBe(true)
    expect(endToEndPairs(got?.rawHeaders ?? [])).toEqual(endToEndPairs(record?.rawHeaders ?? []))
    // the independent oracle: the app can verify what it got with the secret
    const mac = createHmac('sha256', DEV_SECRETS.orchest)
      .update(got?.body as Buffer)
      .digest('hex')
    expect(endToEndPairs(got?.rawHeaders ?? []).find(([n]) => n === 'X-Hub-Signature')?.[1]).toBe(mac)
  })

  it('records a tampered delivery as SIGNATURE_MISMATCH with explain() hints, and still forwards it', async () => {
    const c = await buildCase(orchest('dev-tampered'), 'tampered-body', { secret: DEV_SECRETS.orchest })
    app.answer = 401
    const result = await send(c.requests[0] as never, { url: `${t.dev.url}/orchest` })
    expect(result.attempts[0]?.status).toBe(401)
    const record = last()
    expect(record?.verdict).toMatchObject({ ok: false, code: 'SIGNATURE_MISMATCH', status: 401, provider: 'orchest' })
    expect(record?.verdict.event).toBe('project:one-off-job:pipeline-run:failed')
    expect(JSON.parse(record?.app?.body ?? '{}')).toEqual({ status: 401, code: 'SIGNATURE_MISMATCH' })
    const { body } = await api(`deliveries/${record?.id}`)
    expect(Array.isArray((body.verdict as { hints: unknown }).hints)).toBe(true)
    expect(body.coverage).toMatch(/x-hub-signature/)
  })

  it('detects the provider on any path across the configured secrets', async () => {
    const signed = await signDelivery(githubEvent({ event: 'push', seed: 'dev-any-path' }), { secret: DEV_SECRETS.github })
    await send(signed, { url: `${t.dev.url}/hooks/incoming?x=1` })
    expect(last()?.verdict).toMatchObject({ ok: true, provider: 'github', event: 'push' })
    expect(app.requests.at(-1)?.url).toBe('/webhooks/hooks/incoming?x=1')
  })

  it('says NOT_CONFIGURED for a provider path without a secret', async () => {
    const signed = await signDelivery(githubEvent({ seed: 'dev-y42' }), { secret: 'x' })
    await send(signed, { url: `${t.dev.url}/y42` })
    expect(last()?.verdict).toMatchObject({ ok: false, code: 'NOT_CONFIGURED', message: expect.stringMatching(/Y42_WEBHOOK_SECRET/) })
  })
})

describe('hookproof dev: byte-exact for any bytes', () => {
  it('property: any body and header bytes reach the app, the disk and a replay unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        // header values as node:http carries them: latin1, no CR/LF/NUL
        fc.array(
          fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f),
          { maxLength: 40 },
        ),
        async (bytes, valueCodes) => {
          const body = Buffer.from(bytes)
          const value = Buffer.from(valueCodes).toString('latin1').trim()
          const headers = [
            'X-Hub-Signature',
            'deadbeef',
            'X-Odd-Header',
            value,
            'content-type',
            'application/octet-stream',
            'Content-Length',
            String(body.length),
          ]
          const n = app.requests.length
          await rawPost('/orchest', headers, body)
          const record = last()
          expect(t.dev.store.body(record?.id as string)?.equals(body)).toBe(true)
          expect(app.requests.length).toBe(n + 1)
          const got = app.requests.at(-1)
          expect(got?.body.equals(body)).toBe(true)
          expect(endToEndPairs(got?.rawHeaders ?? []).find(([name]) => name === 'X-Odd-Header')?.[1]).toBe(value)
          await t.dev.replay(record?.id as string)
          expect(app.requests.at(-1)?.body.equals(body)).toBe(true)
          expect(endToEndPairs(app.requests.at(-1)?.rawHeaders ?? [])).toEqual(endToEndPairs(got?.rawHeaders ?? []))
        },
      ),
      { numRuns: 30 },
    )
  })

  it('Copy as curl reproduces a body that is not UTF-8 text (printf octal escapes)', async () => {
    const body = Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x0d, 0x0a, 0x27, 0x5c, 0x25, 0x41])
    await rawPost('/orchest', ['Content-Type', 'application/octet-stream', 'Content-Length', String(body.length)], body)
    const { body: answer } = await api(`deliveries/${last()?.id}/curl`, { method: 'POST', body: {} })
    expect(answer.curl).toMatch(/^printf '%b' '/)
    const n = app.requests.length
    await promisify(execFile)('sh', ['-c', answer.curl as string])
    await app.waitFor(n + 1)
    expect(app.requests.at(-1)?.body.equals(body)).toBe(true)
  })
})

describe('hookproof dev: replay', () => {
  it('Replay sends the identical bytes to the app again', async () => {
    const signed = await signDelivery(orchest('dev-replay'), { secret: DEV_SECRETS.orchest })
    await send(signed, { url: `${t.dev.url}/orchest` })
    const original = last()
    const first = app.requests.at(-1)
    const { status, body } = await api(`deliveries/${original?.id}/replay`, { method: 'POST', body: { kind: 'exact' } })
    expect(status).toBe(200)
    expect((body as unknown as { source: string; replayOf: string }[])[0]).toMatchObject({
      source: 'replay',
      replayOf: original?.id,
      ok: true,
    })
    const again = app.requests.at(-1)
    expect(again).not.toBe(first)
    expect(again?.body.equals(first?.body as Buffer)).toBe(true)
    expect(again?.body.equals(Buffer.from(signed.body))).toBe(true)
    expect(endToEndPairs(again?.rawHeaders ?? [])).toEqual(endToEndPairs(first?.rawHeaders ?? []))
    expect(again?.url).toBe(first?.url)
  })

  it('replays as faults: tampered body, stale timestamp (re-signed), duplicate, concurrent duplicate', async () => {
    const signed = await signDelivery(standardWebhooksEvent({ seed: 'dev-faults' }), { secret: DEV_SECRETS['standard-webhooks'] })
    await send(signed, { url: `${t.dev.url}/standard-webhooks` })
    const original = last()
    expect(original?.verdict.ok).toBe(true)
    const id = original?.id as string

    const [tampered] = await t.dev.replay(id, 'tampered-body')
    expect(tampered?.verdict).toMatchObject({ ok: false, code: 'SIGNATURE_MISMATCH' })
    expect(app.requests.at(-1)?.body.equals(Buffer.from(signed.body))).toBe(false)
    expect(app.requests.at(-1)?.body.length).toBe(signed.body.length)

    const [stale] = await t.dev.replay(id, 'stale-timestamp')
    expect(stale?.verdict).toMatchObject({ ok: false, code: 'TIMESTAMP_TOO_OLD' })
    const staleTs = Number(endToEndPairs(app.requests.at(-1)?.rawHeaders ?? []).find(([n]) => n.toLowerCase() === 'webhook-timestamp')?.[1])
    expect(Date.now() / 1000 - staleTs).toBeGreaterThan(300)
    expect(app.requests.at(-1)?.body.equals(Buffer.from(signed.body))).toBe(true)

    const before = app.requests.length
    const dup = await t.dev.replay(id, 'duplicate')
    expect(dup.map((r) => r.source)).toEqual(['duplicate', 'duplicate'])
    const both = await t.dev.replay(id, 'concurrent-duplicate')
    expect(both).toHaveLength(2)
    expect(app.requests.length).toBe(before + 4)
    for (const r of app.requests.slice(before)) expect(r.body.equals(Buffer.from(signed.body))).toBe(true)
  })

  it('refuses stale-timestamp for a scheme without a signed timestamp (Orchest)', async () => {
    const signed = await signDelivery(orchest('dev-no-ts'), { secret: DEV_SECRETS.orchest })
    await send(signed, { url: `${t.dev.url}/orchest` })
    const { status, body } = await api(`deliveries/${last()?.id}/replay`, { method: 'POST', body: { kind: 'stale-timestamp' } })
    expect(status).toBe(409)
    expect(body.error).toMatch(/signs no timestamp/)
  })

  it('Copy as curl: the command sends the same bytes to the app', async () => {
    const signed = await signDelivery(orchest('dev-curl'), { secret: DEV_SECRETS.orchest })
    await send(signed, { url: `${t.dev.url}/orchest` })
    const { body } = await api(`deliveries/${last()?.id}/curl`, { method: 'POST', body: {} })
    const curl = body.curl as string
    expect(curl).toContain(`${app.url}/webhooks/orchest`)
    const n = app.requests.length
    // async: the app answering it lives in this process
    await promisify(execFile)('sh', ['-c', curl])
    await app.waitFor(n + 1)
    const got = app.requests.at(-1)
    expect(got?.body.equals(Buffer.from(signed.body))).toBe(true)
    const sig = endToEndPairs(got?.rawHeaders ?? []).find(([name]) => name === 'X-Hub-Signature')?.[1]
    expect(sig).toBe(signed.headers['X-Hub-Signature'])
    expect(endToEndPairs(got?.rawHeaders ?? []).find(([name]) => name === 'User-Agent')?.[1]).toBe('Orchest')
  })
})

describe('hookproof dev: forced answers', () => {
  it('forced 500 makes the vendor retry with its policy (fake clock); the app still gets each attempt', async () => {
    const signed = await signDelivery(orchest('dev-forced'), { secret: DEV_SECRETS.orchest })
    t.dev.setForced(500)
    const n = app.requests.length
    const clock = fakeClock(Date.now())
    const result = await send(signed, { url: `${t.dev.url}/orchest`, retry: 'vendor', maxAttempts: 3, clock })
    expect(result.attempts.map((a) => a.status)).toEqual([500, 500, 500])
    expect(clock.sleeps).toEqual([2000, 4000])
    expect(app.requests.length).toBe(n + 3)
    expect(last()).toMatchObject({ answered: 500, forced: true, app: { status: 202 } })

    t.dev.setForced(null)
    const ok = await send(signed, { url: `${t.dev.url}/orchest`, retry: 'vendor', maxAttempts: 3, clock })
    expect(ok.attempts.map((a) => a.status)).toEqual([202])
  })

  it('forced timeout: the vendor gets no answer and times out', async () => {
    const signed = await signDelivery(orchest('dev-timeout'), { secret: DEV_SECRETS.orchest })
    const { status } = await api('forced', { method: 'POST', body: { answer: 'timeout' } })
    expect(status).toBe(200)
    expect(t.dev.forced).toBe('timeout')
    const result = await send(signed, { url: `${t.dev.url}/orchest`, timeoutMs: 300 })
    expect(result.attempts[0]?.error?.kind).toBe('timeout')
    expect(last()).toMatchObject({ answered: 'timeout', forced: true })
  })

  it('rejects a forced answer that is not a status', async () => {
    expect((await api('forced', { method: 'POST', body: { answer: 99 } })).status).toBe(400)
    expect((await api('forced', { method: 'POST', body: { answer: 'always' } })).status).toBe(400)
  })
})

describe('hookproof dev: the page API is not reachable cross-site', () => {
  it('serves the page with the run token and a strict CSP', async () => {
    const response = await fetch(`${t.dev.url}/`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(await response.text()).toContain(t.dev.token)
  })

  it('serves only its own page files, and never takes the browser’s favicon request for a delivery', async () => {
    const count = t.dev.store.list().length
    for (const [path, status] of [
      ['/_hookproof/static/app.js', 200],
      ['/_hookproof/static/style.css', 200],
      ['/_hookproof/static/../package.json', 404],
      ['/_hookproof/static/index.html', 404],
      ['/favicon.ico', 404],
    ] as const) {
      expect((await fetch(`${t.dev.url}${path}`)).status, path).toBe(status)
    }
    expect(t.dev.store.list().length).toBe(count)
  })

  it('refuses API calls without the token, with a wrong one, or from another origin', async () => {
    expect((await api('deliveries', { headers: { 'x-hookproof-token': '' } })).status).toBe(403)
    expect((await api('deliveries', { headers: { 'x-hookproof-token': 'x'.repeat(32) } })).status).toBe(403)
    const forced = await api('forced', { method: 'POST', body: { answer: 500 }, headers: { origin: 'https://evil.example' } })
    expect(forced.status).toBe(403)
    expect(t.dev.forced).toBe(null)
    // a token in the query is enough to read (EventSource cannot send headers), never to change
    const viaQuery = await fetch(`${t.dev.url}/_hookproof/api/forced?token=${t.dev.token}`, { method: 'POST', body: '{"answer":500}' })
    expect(viaQuery.status).toBe(403)
    expect(t.dev.forced).toBe(null)
    // a simple cross-site form POST (no custom header) cannot replay either
    const id = t.dev.store.list()[0]?.id
    const form = await fetch(`${t.dev.url}/_hookproof/api/deliveries/${id}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
      body: '{}',
    })
    expect(form.status).toBe(403)
  })

  it('refuses a foreign Host (DNS rebinding) for the page and the API, but not for deliveries', async () => {
    expect(await rawGet('/', 'evil.example:4400')).toBe(421)
    expect(await rawGet(`/_hookproof/api/deliveries?token=${t.dev.token}`, 'evil.example')).toBe(421)
    expect(await rawGet('/', `localhost:${t.dev.port}`)).toBe(200)
  })

  it('redacts signature headers in the page API and never logs a secret or a signature', async () => {
    const signed = await signDelivery(orchest('dev-redact'), { secret: DEV_SECRETS.orchest, headers: undefined } as never)
    await send(
      { ...signed, headers: { ...signed.headers, Authorization: 'Bearer top-secret-token', Cookie: 'session=abc' } },
      { url: `${t.dev.url}/orchest` },
    )
    const { body } = await api(`deliveries/${last()?.id}`)
    const text = JSON.stringify(body)
    expect(text).not.toContain(signed.headers['X-Hub-Signature'] as string)
    expect(text).not.toContain('top-secret-token')
    expect(text).not.toContain('session=abc')
    expect(text).not.toContain(DEV_SECRETS.orchest)
    const headers = new Map(body.headers as [string, string][])
    expect(headers.get('X-Hub-Signature')).toBe('[redacted: 64 characters]')
    expect(headers.get('Authorization')).toMatch(/^\[redacted/)
    expect(headers.get('Content-Type')).toBe(signed.headers['Content-Type'])
    const log = t.lines.join('\n')
    expect(log).not.toContain(signed.headers['X-Hub-Signature'] as string)
    expect(log).not.toContain(DEV_SECRETS.orchest)
  })
})

describe('hookproof dev: storage', () => {
  it('keeps deliveries across restarts and drops the oldest past the bounds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookproof-dev-keep-'))
    try {
      const one = await startDev({ dir, maxDeliveries: 3 })
      const bodies: Buffer[] = []
      for (let i = 0; i < 4; i++) {
        const signed = await signDelivery(orchest(`dev-keep-${i}`), { secret: DEV_SECRETS.orchest })
        bodies.push(Buffer.from(signed.body))
        await send(signed, { url: `${one.dev.url}/orchest` })
      }
      expect(one.dev.store.list().map((r) => r.id)).toEqual(['2', '3', '4'])
      expect(existsSync(join(dir, 'deliveries', '1.body'))).toBe(false)
      await one.cleanup()

      const two = await startDev({ dir, maxDeliveries: 3 })
      expect(two.dev.store.list().map((r) => r.id)).toEqual(['2', '3', '4'])
      expect(two.dev.store.body('4')?.equals(bodies[3] as Buffer)).toBe(true)
      const signed = await signDelivery(orchest('dev-keep-5'), { secret: DEV_SECRETS.orchest })
      await send(signed, { url: `${two.dev.url}/orchest` })
      expect(two.dev.store.list().map((r) => r.id)).toEqual(['3', '4', '5'])
      await two.cleanup()

      const three = await startDev({ dir, maxBytes: (bodies[0]?.length ?? 0) + 1 })
      expect(three.dev.store.list().map((r) => r.id)).toEqual(['5'])
      expect(readdirSync(join(dir, 'deliveries')).sort()).toEqual(['5.body', '5.json'])
      await three.cleanup()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('without --forward answers as a hookproof receiver would', async () => {
    const alone = await startDev()
    try {
      const good = await signDelivery(orchest('dev-alone'), { secret: DEV_SECRETS.orchest })
      expect((await send(good, { url: `${alone.dev.url}/orchest` })).attempts[0]?.status).toBe(202)
      const bad = await buildCase(orchest('dev-alone-bad'), 'wrong-secret', { secret: DEV_SECRETS.orchest })
      const r = await send(bad.requests[0] as never, { url: `${alone.dev.url}/orchest` })
      expect(r.attempts[0]?.status).toBe(401)
      expect(JSON.parse(r.attempts[0]?.body ?? '{}')).toMatchObject({ code: 'SIGNATURE_MISMATCH' })
      await expect(alone.dev.replay('1')).rejects.toThrow(/--forward/)
    } finally {
      await alone.cleanup()
    }
  })
})
