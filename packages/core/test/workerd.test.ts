import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Vector } from './backends.js'
import vectors from './vectors/vectors.json' with { type: 'json' }

// Core's Web Crypto entry inside real workerd (miniflare, no nodejs_compat): every vector, the
// wrong secret, a flipped body byte, sign() round trips, explain() hints, and key reuse, all
// computed by workerd's own crypto.subtle. miniflare comes from the examples/serverless workspace.

const all = vectors as unknown as Vector[]

/** Vectors sign() must reproduce, with the extra sign inputs each needs (as in vectors.test.ts). */
const SIGN: Record<string, Record<string, unknown>> = {
  'github-published': {},
  'y42-json': {},
  'orchest-ping-json': { id: '0b8d5c8e-7a51-4a57-9d36-6c1b7f3c2e10', event: 'ping' },
  'orchest-ping-legacy-header': { legacyHeader: true },
  'orchest-ping-form': { event: 'ping' },
  'designer-cloud-post': {},
  'designer-cloud-get': {},
  'standard-webhooks-published': { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek' },
  'up42-content-digest': {},
  'up42-legacy-digest': { digest: 'legacy' },
  'xplenty-hmac-sha1': { hash: 'SHA-1' },
  'xplenty-hmac-sha256': { hash: 'SHA-256' },
  'xplenty-sha1-metadata': { event: 'job.completed', xplentyMetadata: { hookId: 1, url: 'http://my.service.com/notifications' } },
}

/** Runs inside workerd; the bundle inlines src/index.ts and vectors.json. */
const ENTRY = `
import * as core from '../src/index.ts'
import vectors from './vectors/vectors.json'

const SIGN = ${JSON.stringify(SIGN)}

let imports = 0
const subtle = globalThis.crypto.subtle
const importKey = subtle.importKey.bind(subtle)
let counted = true
try {
  subtle.importKey = (...args) => { imports++; return importKey(...args) }
} catch { counted = false }

const other = (v) => v.secret.startsWith('whsec_') ? 'whsec_dGhpcy1pcy1hbm90aGVyLWtleQ==' : v.secret + 'x'
const options = (v, extra = {}) => ({ provider: v.provider, secret: v.secret, now: () => v.now, ...v.options, ...extra })
const input = (v, body = v.body) => ({ body, headers: v.headers, method: v.method, url: v.url })
const summary = (r) => r.ok ? { ok: true, provider: r.webhook.provider, bodyAuthenticated: r.webhook.bodyAuthenticated, secretIndex: r.webhook.secretIndex } : { ok: false, code: r.code }

async function run() {
  const out = { vectors: {}, node: typeof globalThis.process?.versions?.node, counted }
  for (const v of vectors) {
    const body = new TextEncoder().encode(v.body)
    if (body.length > 0) body[Math.floor(body.length / 2)] ^= 1
    const extra = SIGN[v.id]
    const signed = extra === undefined ? undefined : await core.sign(v.provider, { secret: v.secret, body: v.body, now: v.now, method: v.method, url: v.url, ...extra })
    out.vectors[v.id] = {
      result: summary(await core.check(input(v), options(v))),
      wrongSecret: summary(await core.check(input(v), options(v, { secret: other(v) }))),
      flipped: summary(await core.check(input(v, body), options(v))),
      rotated: summary(await core.check(input(v), options(v, { secret: undefined, secrets: [other(v), v.secret] }))),
      signed,
    }
  }
  // a JSON body re-serialised by a parser: explain() finds the form the sender signed
  const ping = vectors.find((v) => v.id === 'orchest-ping-json')
  const compact = JSON.stringify(JSON.parse(ping.body))
  try {
    await core.verify({ body: compact, headers: ping.headers }, { provider: 'orchest', secret: ping.secret })
  } catch (error) {
    out.reserialised = { code: error.code, hints: await error.explain() }
  }
  // one verifier, many requests: one importKey
  imports = 0
  const verifier = core.createVerifier({ provider: 'orchest', secret: ping.secret })
  for (let i = 0; i < 5; i++) {
    const request = new Request('https://hooks.example.com/', { method: 'POST', body: ping.body, headers: ping.headers })
    await core.verifyRequest(request, verifier)
  }
  out.importsForFiveRequests = imports
  // a 64 MiB upload produced lazily: the limit stops it after about one chunk past 1 MiB
  let pulled = 0
  const huge = new ReadableStream({
    pull(controller) {
      if (pulled >= 64 * 1024 * 1024) return controller.close()
      pulled += 65536
      controller.enqueue(new Uint8Array(65536))
    },
  }, { highWaterMark: 0 })
  const big = new Request('https://hooks.example.com/', { method: 'POST', body: huge, headers: ping.headers })
  const limited = await core.checkRequest(big, verifier, { limit: 1024 * 1024 })
  out.limited = { code: limited.code, pulled }
  // workerd's Headers join a repeated signature header with ", "
  const twice = new Headers(ping.headers)
  twice.append('x-hub-signature', ping.headers['X-Hub-Signature'])
  const duplicated = await core.checkRequest(new Request('https://hooks.example.com/', { method: 'POST', body: ping.body, headers: twice }), verifier)
  out.duplicated = { code: duplicated.code, message: duplicated.message }
  // no process in workerd: details stay exposed unless asked otherwise
  out.problem = Object.keys(JSON.parse(core.rejection(duplicated).body)).sort()
  out.hidden = Object.keys(JSON.parse(core.rejection(duplicated, { exposeDetails: false }).body)).sort()
  return out
}

export default { async fetch() { return Response.json(await run()) } }
`

interface Summary {
  ok: boolean
  code?: string
  provider?: string
  bodyAuthenticated?: boolean
  secretIndex?: number
}
interface Report {
  node: string
  counted: boolean
  vectors: Record<string, { result: Summary; wrongSecret: Summary; flipped: Summary; rotated: Summary; signed?: Record<string, string> }>
  reserialised: { code: string; hints: string[] }
  importsForFiveRequests: number
  limited: { code: string; pulled: number }
  duplicated: { code: string; message: string }
  problem: string[]
  hidden: string[]
}

let mf: Miniflare
let report: Report

beforeAll(async () => {
  const bundled = await build({
    stdin: { contents: ENTRY, resolveDir: fileURLToPath(new URL('.', import.meta.url)), sourcefile: 'workerd-entry.js', loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    logLevel: 'silent',
  })
  const script = bundled.outputFiles[0]?.text ?? ''
  expect(script).not.toContain('node:crypto')
  mf = new Miniflare({ modules: true, script, compatibilityDate: '2025-06-01' })
  const response = await mf.dispatchFetch('https://hooks.example.com/')
  report = (await response.json()) as Report
})

afterAll(async () => {
  await mf?.dispose()
})

describe('core (Web Crypto entry) in workerd', () => {
  it('runs without Node: no process.versions.node in the isolate', () => {
    expect(report.node).toBe('undefined')
  })

  it.each(all.map((v) => [v.id, v] as const))('%s: verdict, wrong secret, flipped byte and rotation as on Node', (id, v) => {
    const r = report.vectors[id]
    expect(r).toBeDefined()
    if (!r) return
    if (v.valid) {
      expect(r.result).toEqual({ ok: true, provider: v.provider, bodyAuthenticated: v.bodyAuthenticated ?? true, secretIndex: 0 })
      expect(r.wrongSecret).toEqual({ ok: false, code: 'SIGNATURE_MISMATCH' })
      expect(r.rotated).toMatchObject({ ok: true, secretIndex: 1 })
      if (v.body !== '' && v.bodyAuthenticated !== false) expect(r.flipped).toEqual({ ok: false, code: 'SIGNATURE_MISMATCH' })
    } else {
      expect(r.result).toEqual({ ok: false, code: v.expectCode })
    }
  })

  it.each(Object.keys(SIGN))('%s: sign() in workerd reproduces the literal headers', (id) => {
    const v = all.find((x) => x.id === id) as Vector
    const signed = report.vectors[id]?.signed ?? {}
    const lower = Object.fromEntries(Object.entries(v.headers).map(([k, x]) => [k.toLowerCase(), x]))
    const shared = Object.keys(signed).filter((name) => lower[name.toLowerCase()] !== undefined)
    expect(shared.filter((name) => /signature/i.test(name)).length).toBeGreaterThan(0)
    for (const name of shared) expect(`${name}: ${signed[name]}`).toBe(`${name}: ${lower[name.toLowerCase()]}`)
  })

  it('explain() names the Python json.dumps form for a body re-serialised by a parser', () => {
    expect(report.reserialised.code).toBe('SIGNATURE_MISMATCH')
    expect(report.reserialised.hints.join('\n')).toContain('Python json.dumps')
  })

  it('a 64 MiB streamed body is BODY_TOO_LARGE after reading little more than the 1 MiB limit', () => {
    expect(report.limited.code).toBe('BODY_TOO_LARGE')
    expect(report.limited.pulled).toBeLessThanOrEqual(1024 * 1024 + 2 * 65536)
  })

  it('a signature header appended twice to workerd Headers is MALFORMED_SIGNATURE "sent 2 times"', () => {
    expect(report.duplicated).toEqual({ code: 'MALFORMED_SIGNATURE', message: 'X-Hub-Signature was sent 2 times; send it once' })
  })

  it('without process (no NODE_ENV) problem details keep detail; exposeDetails: false drops it', () => {
    expect(report.problem).toEqual(['code', 'detail', 'status', 'title', 'type'])
    expect(report.hidden).toEqual(['code', 'status', 'title', 'type'])
  })

  it('imports the HMAC key once for five requests through one verifier', () => {
    expect(report.counted).toBe(true)
    expect(report.importsForFiveRequests).toBe(1)
  })
})
