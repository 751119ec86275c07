import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundle } from './bundle.js'
import { answer, type Case, cases, SECRET, VECTOR_NOW } from './cases.js'

// The Worker and the Hono app, bundled as wrangler would (worker conditions), run in real workerd.
// No nodejs_compat flag: node:crypto does not exist there, so the Web Crypto entry must be the one bundled.
let mf: Miniflare
const bundles: Record<'worker' | 'hono', string> = { worker: '', hono: '' }
const secrets = { ORCHEST_WEBHOOK_SECRET: SECRET, DESIGNER_CLOUD_WEBHOOK_SECRET: SECRET }
const table: Record<string, Case[]> = {}

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
  // each app gets its own delivery ids: the Orchest redelivery case relies on a fresh replay store
  table.worker = await cases('b0a1c2d3')
  table.hono = await cases('b4e5f6a7')
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

describe.each(['worker', 'hono'] as const)('%s example in workerd (miniflare)', (app) => {
  it('answers every case as specified', async () => {
    const failures: string[] = []
    for (const c of table[app] as Case[]) {
      const fetch = await fetcher(c.clock === 'clocked' ? `${app}-clocked` : app)
      for (const before of c.before ?? []) {
        const first = await answer(fetch, before)
        if (first.status !== 200) failures.push(`${c.name}: first attempt answered ${first.status}`)
      }
      const got = await answer(fetch, c.send)
      const want = c.expect
      const ok =
        got.status === want.status &&
        (want.code === undefined || (got.body.code === want.code && got.type === 'application/problem+json')) &&
        (want.json === undefined || JSON.stringify({ ...got.body, ...want.json }) === JSON.stringify(got.body))
      if (!ok) failures.push(`${c.name}: got ${got.status} ${JSON.stringify(got.body).slice(0, 300)}`)
    }
    expect(failures).toEqual([])
    expect((table[app] as Case[]).length).toBe(16)
  })

  it('answers an unknown path 404', async () => {
    const fetch = await fetcher(app)
    const response = await fetch('https://hooks.example.com/elsewhere', { method: 'POST', body: '{}' })
    expect(response.status).toBe(404)
    await response.text()
  })
})
