// The built test app served by `next start` (test/global-setup.ts): the routes a user writes,
// with @hookproof/next and @hookproof/core resolved from their dist builds by Next's own bundler,
// on the node runtime, the edge runtime and the Pages Router.
import { existsSync, readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { describe, expect, inject, it, vi } from 'vitest'
import { type Delivery, delivery, PROVIDERS } from '../../core/test/adapter-suite/index.js'
import { appDir } from './build-app.js'

const origin = inject('nextOrigin')

/** VENDORS.md section 5: GitHub's published example, with the literal signature GitHub documents. */
const GITHUB_VECTOR = {
  body: 'Hello, World!',
  headers: { 'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' },
}

async function post(path: string, d: Pick<Delivery, 'body' | 'headers'> & { method?: string }, extra: Record<string, string> = {}) {
  const res = await fetch(`${origin}${path}`, {
    method: d.method ?? 'POST',
    headers: { ...d.headers, ...extra },
    ...(d.body === '' ? {} : { body: d.body }),
  })
  const text = await res.text()
  let json: Record<string, unknown> = {}
  try {
    json = JSON.parse(text)
  } catch {
    // not JSON: Next's own 500 page
  }
  return { status: res.status, headers: res.headers, json, text }
}

/** Sends the body in chunks with Transfer-Encoding: chunked (no Content-Length). */
function chunked(path: string, d: Delivery, chunks: Buffer[]) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const { hostname, port } = new URL(origin)
    const req = httpRequest({ host: hostname, port, path, method: 'POST', headers: d.headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c) => {
        body += c
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    for (const chunk of chunks) req.write(chunk)
    req.end()
  })
}

describe.each([
  ['App Router, node runtime', '/api/node', 'nodejs'],
  ['App Router, edge runtime', '/api/edge', 'edge'],
  ['Pages Router, bodyParser: false', '/api/pages', 'pages'],
] as const)('%s (%s)', (_name, path, runtime) => {
  it.each(PROVIDERS)('accepts a %s delivery with the secret from the environment and returns the handler Response', async (provider) => {
    const d = await delivery(provider)
    const res = await post(path, d)
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ runtime, provider, raw: d.body, payload: d.payload, calls: 1 })
    if (runtime === 'pages') expect(res.json.body).toEqual(d.payload)
  })

  it("accepts GitHub's published vector, and rejects it with one body byte changed (401 SIGNATURE_MISMATCH, problem+json)", async () => {
    const ok = await post(path, GITHUB_VECTOR)
    expect(ok.status).toBe(200)
    expect(ok.json).toMatchObject({ provider: 'github', payload: 'Hello, World!' })
    const forged = await post(path, { ...GITHUB_VECTOR, body: 'Hello, World?' })
    expect(forged.status).toBe(401)
    expect(forged.headers.get('content-type')).toContain('application/problem+json')
    expect(forged.json.code).toBe('SIGNATURE_MISMATCH')
    expect(forged.text).not.toContain('757107ea')
  })

  it('answers 401 MISSING_SIGNATURE to an unsigned request', async () => {
    const res = await post(path, { body: '{}', headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(401)
    expect(res.json.code).toBe('MISSING_SIGNATURE')
  })

  it('runs the handler once for a delivery sent three times: the copies get 200 DUPLICATE_DELIVERY', async () => {
    const d = await delivery('orchest')
    const first = await post(path, d)
    expect([first.status, first.json.calls]).toEqual([200, 1])
    for (const copy of [await post(path, d), await post(path, d)]) {
      expect(copy.status).toBe(200)
      expect(copy.json.code).toBe('DUPLICATE_DELIVERY')
      expect(copy.json.calls).toBeUndefined()
    }
  })

  it('releases the claim when the handler throws (Next answers 500): the retry runs the handler a second time', async () => {
    const d = await delivery('orchest')
    const failed = await post(path, d, { 'x-test-throw': '1' })
    expect(failed.status).toBe(500)
    expect(failed.text).not.toContain('DUPLICATE_DELIVERY')
    const retry = await post(path, d)
    expect([retry.status, retry.json.calls]).toEqual([200, 2])
    expect((await post(path, d)).json.code).toBe('DUPLICATE_DELIVERY')
  })

  it('releases the claim when the handler answers 503; a 202 then completes it', async () => {
    const d = await delivery('standard-webhooks')
    expect((await post(path, d, { 'x-test-status': '503' })).status).toBe(503)
    const retry = await post(path, d, { 'x-test-status': '202' })
    expect([retry.status, retry.json.calls]).toEqual([202, 2])
    expect((await post(path, d)).json.code).toBe('DUPLICATE_DELIVERY')
  })

  it('holds the claim while the handler runs: a copy sent meanwhile gets 409 with Retry-After, the handler runs once', async () => {
    const d = await delivery('github')
    const first = post(path, d, { 'x-test-delay-ms': '800' })
    await new Promise((resolve) => setTimeout(resolve, 300))
    const during = await post(path, d)
    expect(during.status).toBe(409)
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(during.json.code).toBe('DUPLICATE_DELIVERY')
    expect((await first).json.calls).toBe(1)
    expect((await post(path, d)).status).toBe(200)
  })

  it('answers 400 INVALID_PAYLOAD to a signed body that is not the JSON its content type says', async () => {
    const res = await post(path, await delivery('orchest', { body: '{"event": ' }))
    expect(res.status).toBe(400)
    expect(res.json.code).toBe('INVALID_PAYLOAD')
  })
})

describe('limits on the built app', () => {
  it('edge: answers 413 BODY_TOO_LARGE from Content-Length over its 64 KiB limit', async () => {
    const res = await post('/api/edge', await delivery('orchest', { body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }) }))
    expect(res.status).toBe(413)
    expect(res.json.code).toBe('BODY_TOO_LARGE')
  })

  it('edge: answers 413 to a chunked body without Content-Length that streams past 64 KiB', async () => {
    const d = await delivery('orchest', { body: JSON.stringify({ pad: 'x'.repeat(100 * 1024) }) })
    const body = Buffer.from(d.body)
    const parts = Array.from({ length: 10 }, (_, i) => body.subarray(i * 10_240, (i + 1) * 10_240)).concat(body.subarray(102_400))
    const res = await chunked('/api/edge', d, parts)
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body).code).toBe('BODY_TOO_LARGE')
  })

  it('node: accepts a 1 MiB chunked delivery under the default 5 MiB limit', async () => {
    const d = await delivery('orchest', { body: JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }) })
    const body = Buffer.from(d.body)
    const res = await chunked('/api/node', d, [body.subarray(0, 500_000), body.subarray(500_000)])
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body).calls).toBe(1)
  })
})

describe('Pages Router without bodyParser: false', () => {
  it('answers 500 BODY_ALREADY_PARSED, and the message names the exact line to add', async () => {
    const res = await post('/api/parsed', await delivery('orchest'))
    expect(res.status).toBe(500)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect(res.json.code).toBe('BODY_ALREADY_PARSED')
    expect(res.json.detail).toContain('export const config = { api: { bodyParser: false } }')
  })
})

describe("Next's edge bundle", () => {
  const manifest = JSON.parse(readFileSync(join(appDir, '.next', 'server', 'middleware-manifest.json'), 'utf8')) as {
    functions: Record<string, { files: string[] }>
  }
  const code = (files: string[]) =>
    files
      .map((f) => join(appDir, '.next', f))
      .filter((f) => existsSync(f) && f.endsWith('.js'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n')

  it('runs /api/edge as an edge function whose code has the Web Crypto build of core and no node:crypto', () => {
    const edge = Object.entries(manifest.functions).find(([name]) => name.startsWith('/api/edge'))
    expect(edge, JSON.stringify(Object.keys(manifest.functions))).toBeDefined()
    const source = code(edge?.[1].files ?? [])
    expect(source).toContain('crypto.subtle')
    expect(source).not.toMatch(/node:crypto|createHmac/)
  })

  it('runs /api/node on node:crypto (the control that the check above can fail)', () => {
    expect(Object.keys(manifest.functions).some((name) => name.startsWith('/api/node'))).toBe(false)
    const chunks = join(appDir, '.next', 'server')
    const route = readFileSync(join(chunks, 'app', 'api', 'node', 'route.js'), 'utf8')
    // Turbopack splits the route into chunks: follow the ones it names
    const named = [...route.matchAll(/"(server\/chunks\/[^"]+\.js)"/g)].map((m) => join(appDir, '.next', m[1] as string))
    const source = [route, ...named.filter(existsSync).map((f) => readFileSync(f, 'utf8'))].join('\n')
    expect(source).toMatch(/node:crypto/)
  })
})

void vi
