import { describe, expect, it, vi } from 'vitest'
import { cases, mismatches, SECRET, VECTOR_NOW } from './cases.js'

// The same cases as in workerd, through Node 20's own Request and Response (undici).
type Handler = (request: Request, env: Record<string, string>) => Promise<Response> | Response
const env = { ORCHEST_WEBHOOK_SECRET: SECRET, DESIGNER_CLOUD_WEBHOOK_SECRET: SECRET }
const clocked = { ...env, HOOKPROOF_NOW: String(VECTOR_NOW) }

/** A fresh copy of the app (its own replay store), as a new isolate would have. */
async function load(app: 'worker' | 'hono'): Promise<Handler> {
  vi.resetModules()
  if (app === 'worker') {
    const worker = (await import('../src/worker.js')).default
    return (request, e) => worker.fetch(request, e)
  }
  const hono = (await import('../src/hono.js')).default
  return (request, e) => hono.fetch(request, e)
}

const table = { worker: await cases('c0a1c2d3'), hono: await cases('c4e5f6a7') }

describe.each(['worker', 'hono'] as const)('%s example on Node (undici Request)', (app) => {
  let handler: Handler | undefined
  const fetchFor = (e: Record<string, string>) => async (url: string, init: RequestInit) => {
    handler ??= await load(app)
    return handler(new Request(url, init), e)
  }

  it.each(table[app].map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await mismatches(fetchFor(c.clock === 'clocked' ? clocked : env), c)).toEqual([])
  })

  it('answers an unknown path 404', async () => {
    const response = await fetchFor(env)('https://hooks.example.com/elsewhere', { method: 'POST', body: '{}' })
    expect(response.status).toBe(404)
  })
})
