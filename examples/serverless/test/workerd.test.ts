import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundle } from './bundle.js'
import { cases, mismatches, SECRET, VECTOR_NOW } from './cases.js'

// The Worker and the Hono app, bundled as wrangler would (worker conditions), run in real workerd.
// No nodejs_compat flag: node:crypto does not exist there, so the Web Crypto entry must be the one bundled.
let mf: Miniflare
const bundles: Record<'worker' | 'hono', string> = { worker: '', hono: '' }
const secrets = { ORCHEST_WEBHOOK_SECRET: SECRET, DESIGNER_CLOUD_WEBHOOK_SECRET: SECRET }

beforeAll(async () => {
  bundles.worker = await bundle('worker.ts', 'worker')
  bundles.hono = await bundle('hono.ts', 'worker')
  const common = { modules: true, compatibilityDate: '2025-06-01' }
  mf = new Miniflare({
    workers: [
      { ...common, name: 'worker', script: bundles.worker, bindings: secrets },
      { ...common, name: 'worker-clocked', script: bundles.worker, bindings: { ...secrets, HOOKPROOF_NOW: String(VECTOR_NOW) } },
      { ...common, name: 'hono', script: bundles.hono, bindings: secrets },
      { ...common, name: 'hono-clocked', script: bundles.hono, bindings: { ...secrets, HOOKPROOF_NOW: String(VECTOR_NOW) } },
    ],
  })
  await mf.ready
})

/** `fetch` of one named worker (miniflare's types assume @cloudflare/workers-types, not installed here). */
async function fetcher(name: string): Promise<(url: string, init: RequestInit) => Promise<Response>> {
  const worker = (await mf.getWorker(name)) as unknown as { fetch(url: string, init: RequestInit): Promise<Response> }
  return (url, init) => worker.fetch(url, init)
}

afterAll(async () => {
  await mf?.dispose()
})

describe('the Worker bundle', () => {
  it('holds the Web Crypto entry only: no node:crypto, no createHmac, no Buffer', () => {
    for (const code of [bundles.worker, bundles.hono]) {
      expect(code).toContain('crypto.subtle')
      expect(code).not.toContain('node:crypto')
      expect(code).not.toContain('createHmac')
      expect(code).not.toMatch(/\bBuffer\.(from|alloc|isBuffer|concat|byteLength)\b/)
    }
  })

  it('bundled with the node condition instead, takes node:crypto (so the check above can fail)', async () => {
    const code = await bundle('worker.ts', 'node')
    expect(code).toContain('node:crypto')
    expect(code).toContain('createHmac')
  })
})

// each app gets its own delivery ids: the Orchest redelivery case relies on a fresh replay store
const table = { worker: await cases('b0a1c2d3'), hono: await cases('b4e5f6a7') }

describe.each(['worker', 'hono'] as const)('%s example in workerd (miniflare)', (app) => {
  it.each(table[app].map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const fetch = await fetcher(c.clock === 'clocked' ? `${app}-clocked` : app)
    expect(await mismatches(fetch, c)).toEqual([])
  })

  it('answers an unknown path 404', async () => {
    const fetch = await fetcher(app)
    const response = await fetch('https://hooks.example.com/elsewhere', { method: 'POST', body: '{}' })
    expect(response.status).toBe(404)
    await response.text()
  })
})
