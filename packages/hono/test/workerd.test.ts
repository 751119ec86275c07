import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Vector } from '../../core/test/backends.js'
import vectors from '../../core/test/vectors/vectors.json' with { type: 'json' }

// test/workerd/worker.ts (a Hono app on @hookproof/hono) bundled with esbuild as wrangler does and
// run in real workerd through miniflare, with no nodejs_compat: node:crypto does not exist there,
// so the Web Crypto entry of @hookproof/core/adapter must be the one bundled. Deliveries are the
// published vectors, byte for byte, with their literal signatures.

const core = fileURLToPath(new URL('../../core/', import.meta.url))
const WORKER_CONDITIONS = ['workerd', 'worker', 'browser', 'import', 'default']

/** Picks the target of an exports map entry for `conditions`, in the map's own key order, as Node and esbuild do. */
function pick(entry: unknown, conditions: string[]): string | undefined {
  if (typeof entry === 'string') return entry
  if (entry === null || typeof entry !== 'object') return undefined
  for (const [key, value] of Object.entries(entry)) {
    if (key !== 'types' && conditions.includes(key)) return pick(value, conditions)
  }
  return undefined
}

/**
 * Resolves `@hookproof/core` and its subpaths through core's real package.json exports map with
 * the given conditions; tests run on sources, so the chosen `dist/<entry>.js` maps to `src/<entry>.ts`.
 */
function coreThroughExportsMap(conditions: string[], chosen: string[]): Plugin {
  const exportsMap = JSON.parse(readFileSync(join(core, 'package.json'), 'utf8')).exports as Record<string, unknown>
  return {
    name: 'hookproof-core-exports-map',
    setup(b) {
      b.onResolve({ filter: /^@hookproof\/core(\/.*)?$/ }, (args) => {
        const subpath = `.${args.path.slice('@hookproof/core'.length)}`
        const target = pick(exportsMap[subpath], conditions)
        if (target === undefined) return { errors: [{ text: `${args.path} is not exported for ${conditions.join(', ')}` }] }
        chosen.push(target)
        return { path: join(core, target.replace(/^\.\/dist\//, 'src/').replace(/\.c?js$/, '.ts')) }
      })
    },
  }
}

/** `@hookproof/hono` as a user imports it, from this package's sources. */
const honoSources: Plugin = {
  name: 'hookproof-hono-sources',
  setup(b) {
    b.onResolve({ filter: /^@hookproof\/hono$/ }, () => ({ path: fileURLToPath(new URL('../src/index.ts', import.meta.url)) }))
  },
}

/** Bundles test/workerd/worker.ts, or `contents` (a README block) when given, as wrangler would. */
async function bundle(conditions: string[], contents?: string): Promise<{ code: string; chosen: string[] }> {
  const chosen: string[] = []
  const here = fileURLToPath(new URL('./workerd/', import.meta.url))
  const result = await build({
    ...(contents === undefined
      ? { entryPoints: [join(here, 'worker.ts')] }
      : { stdin: { contents, resolveDir: here, sourcefile: 'readme-worker.ts', loader: 'ts' as const } }),
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    logLevel: 'silent',
    platform: conditions.includes('node') ? 'node' : 'browser',
    conditions,
    plugins: [coreThroughExportsMap(conditions, chosen), honoSources],
    nodePaths: [join(dirname(fileURLToPath(import.meta.url)), '../../../node_modules')],
  })
  return { code: result.outputFiles[0]?.text ?? '', chosen: [...new Set(chosen)].sort() }
}

const all = vectors as unknown as Vector[]
const vector = (id: string) => all.find((v) => v.id === id) as Vector
const ping = vector('orchest-ping-json')
const designer = vector('designer-cloud-post')

/** The README's Cloudflare Workers block, as written. */
const README_WORKER = /```ts\n([\s\S]*?)```/.exec(
  readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8').split('\n## Cloudflare Workers\n')[1] ?? '',
)?.[1]

let mf: Miniflare
let readmeWorker: Miniflare
let worker: { code: string; chosen: string[] }

beforeAll(async () => {
  worker = await bundle(WORKER_CONDITIONS)
  mf = new Miniflare({
    modules: true,
    script: worker.code,
    compatibilityDate: '2025-06-01',
    bindings: { ORCHEST_WEBHOOK_SECRET: ping.secret, DESIGNER_CLOUD_WEBHOOK_SECRET: designer.secret },
  })
  await mf.ready
  const readme = await bundle(WORKER_CONDITIONS, README_WORKER)
  readmeWorker = new Miniflare({
    modules: true,
    script: readme.code,
    compatibilityDate: '2025-06-01',
    bindings: { ORCHEST_WEBHOOK_SECRET: ping.secret },
  })
  await readmeWorker.ready
})

afterAll(async () => {
  await mf?.dispose()
  await readmeWorker?.dispose()
})

/** Sends a vector's body and headers as they were recorded, to a path of the Worker. */
async function deliver(path: string, v: Vector, change: { body?: string; headers?: Record<string, string> } = {}) {
  const response = await mf.dispatchFetch(`https://hooks.example.com${path}`, {
    method: v.method ?? 'POST',
    headers: { ...v.headers, ...change.headers },
    body: change.body ?? v.body,
  })
  const text = await response.text()
  return { status: response.status, type: response.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) }
}

const runs = async () => (await (await mf.dispatchFetch('https://hooks.example.com/runs')).json()) as { runs: number; node: string }

describe('the Worker bundle', () => {
  it('resolves @hookproof/core/adapter to the Web Crypto entry: crypto.subtle, no node:crypto, no createHmac', () => {
    expect(worker.chosen).toEqual(['./dist/adapter.js', './dist/index.js'])
    expect(worker.code).toContain('crypto.subtle')
    expect(worker.code).not.toContain('node:crypto')
    expect(worker.code).not.toContain('createHmac')
  })

  it('bundled with the node condition instead, takes node:crypto (so the check above can fail)', async () => {
    const node = await bundle(['node', 'import', 'default'])
    expect(node.chosen).toEqual(['./dist/adapter-node.js', './dist/node.js'])
    expect(node.code).toContain('node:crypto')
  })
})

describe('@hookproof/hono in workerd (miniflare)', () => {
  it('runs without Node: no process in the isolate', async () => {
    expect((await runs()).node).toBe('undefined')
  })

  it('verifies the published Orchest ping with the secret from the binding, then answers its redelivery 200 without the handler', async () => {
    const before = (await runs()).runs
    const first = await deliver('/webhooks/orchest', ping)
    expect(first.status).toBe(200)
    expect(first.json()).toEqual({
      provider: 'orchest',
      event: 'ping',
      deliveryId: '0b8d5c8e-7a51-4a57-9d36-6c1b7f3c2e10',
      payload: JSON.parse(ping.body),
      rawBody: 'Uint8Array',
    })
    const again = await deliver('/webhooks/orchest', ping)
    expect([again.status, again.json().code]).toEqual([200, 'DUPLICATE_DELIVERY'])
    expect((await runs()).runs).toBe(before + 1)
  })

  it('answers a forgery (the ping with one byte changed, same signature) 401 SIGNATURE_MISMATCH problem+json, without the secret', async () => {
    const before = (await runs()).runs
    const forged = await deliver('/webhooks/orchest', ping, { body: ping.body.replace('"ping"', '"pong"') })
    expect(forged.status).toBe(401)
    expect(forged.type).toContain('application/problem+json')
    expect(forged.json().code).toBe('SIGNATURE_MISMATCH')
    expect(forged.text).not.toContain(ping.secret)
    expect(forged.text).not.toContain(ping.headers['X-Hub-Signature'] as string)
    expect((await runs()).runs).toBe(before)
  })

  it('answers a signature for another secret 401 SIGNATURE_MISMATCH and a missing one 401 MISSING_SIGNATURE', async () => {
    const github = vector('github-published')
    const other = await deliver('/webhooks/orchest', ping, {
      headers: { 'X-Hub-Signature': '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' },
    })
    expect([other.status, other.json().code]).toEqual([401, 'SIGNATURE_MISMATCH'])
    const missing = await deliver('/webhooks/orchest', github, { headers: { 'X-Hub-Signature-256': '' } })
    expect([missing.status, missing.json().code]).toEqual([401, 'MISSING_SIGNATURE'])
  })

  it('the zero-argument form reads the *_WEBHOOK_SECRET bindings and detects Designer Cloud and Orchest', async () => {
    const dc = await deliver('/webhooks/any', designer)
    expect(dc.status).toBe(200)
    expect(dc.json()).toEqual({ provider: 'designer-cloud', payload: { jobId: '5263842', jobStatus: 'Complete' } })
    const orchest = await deliver('/webhooks/any', ping)
    expect([orchest.status, orchest.json().provider]).toEqual([200, 'orchest'])
    // the Orchest-only route does not take a Designer Cloud delivery
    const elsewhere = await deliver('/webhooks/orchest', designer)
    expect([elsewhere.status, elsewhere.json().code]).toEqual([401, 'MISSING_SIGNATURE'])
  })

  it('a middleware that ran c.req.json() first gets 500 BODY_ALREADY_PARSED naming the fix', async () => {
    const res = await deliver('/webhooks/parsed-first', ping)
    expect([res.status, res.json().code]).toEqual([500, 'BODY_ALREADY_PARSED'])
    expect(res.json().detail).toContain('Put verifyWebhook() first')
  })

  it('a handler that throws is answered 500 by Hono and releases the claim: the retry runs it, the next is a duplicate', async () => {
    const before = (await runs()).runs
    expect((await deliver('/webhooks/throws', ping)).status).toBe(500)
    expect((await deliver('/webhooks/throws', ping)).status).toBe(202)
    const third = await deliver('/webhooks/throws', ping)
    expect([third.status, third.json().code]).toEqual([200, 'DUPLICATE_DELIVERY'])
    expect((await runs()).runs).toBe(before + 2)
  })

  it('a 64 MiB body streamed inside workerd is 413 BODY_TOO_LARGE under a 1 MiB limit after reading little more than 1 MiB', async () => {
    const r = (await (await mf.dispatchFetch('https://hooks.example.com/self/limited')).json()) as {
      status: number
      code: string
      pulled: number
    }
    expect([r.status, r.code]).toEqual([413, 'BODY_TOO_LARGE'])
    expect(r.pulled).toBeLessThanOrEqual(1024 * 1024 + 2 * 65536)
  })

  it('a secret binding that is not set answers 500 and never runs the handler', async () => {
    const res = await deliver('/webhooks/unset', ping)
    expect(res.status).toBe(500)
    expect(res.text).not.toContain(ping.secret)
  })
})

describe('the README Cloudflare Workers example in workerd', () => {
  it('verifies the published Orchest ping with the bound secret, acknowledges its redelivery, rejects a forgery', async () => {
    expect(README_WORKER).toContain('export default app')
    const post = (body: string) =>
      readmeWorker.dispatchFetch('https://hooks.example.com/webhooks/orchest', { method: 'POST', headers: ping.headers, body })
    const first = await post(ping.body)
    expect([first.status, await first.json()]).toEqual([200, { event: 'ping', deliveryId: '0b8d5c8e-7a51-4a57-9d36-6c1b7f3c2e10' }])
    const again = await post(ping.body)
    expect([again.status, ((await again.json()) as { code: string }).code]).toEqual([200, 'DUPLICATE_DELIVERY'])
    const forged = await post(ping.body.replace('Test webhook', 'Test webhooK'))
    expect([forged.status, ((await forged.json()) as { code: string }).code]).toEqual([401, 'SIGNATURE_MISMATCH'])
  })
})
