import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getRequestListener } from '@hono/node-server'
import { sign } from '@hookproof/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { delivery, SECRETS, send } from '../../core/test/adapter-suite/index.js'

// The README's Node blocks, run as written: only `serve(...)` becomes `export { app }`.
const root = fileURLToPath(new URL('../../../', import.meta.url))
const readme = readFileSync(join(root, 'packages/hono/README.md'), 'utf8')

/** The first ts block under a heading. */
function block(heading: string): string {
  const at = readme.indexOf(`\n## ${heading}\n`)
  const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(at))?.[1]
  if (at === -1 || code === undefined) throw new Error(`README has no ${heading} example`)
  return code
}

type Fetch = (request: Request, env: never) => Response | Promise<Response>

async function load(heading: string) {
  const code = block(heading)
  expect(code).toContain('serve({ fetch: app.fetch, port: 3000 })')
  // inside the repository, so that hono and the workspace packages resolve as they do for a user
  const dir = join(root, 'node_modules', '.cache', 'hookproof-readme')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `hono-${heading.toLowerCase()}-${process.pid}.ts`)
  writeFileSync(file, code.replace('serve({ fetch: app.fetch, port: 3000 })', 'export { app }'))
  try {
    const { app } = (await import(/* @vite-ignore */ file)) as { app: { fetch: Fetch } }
    return getRequestListener((request, env) => app.fetch(request, env as never))
  } finally {
    rmSync(file, { force: true })
  }
}

afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

describe('README', () => {
  it('the Node example verifies an Orchest delivery, logs its event and answers 204; a forgery 401', async () => {
    vi.stubEnv('ORCHEST_WEBHOOK_SECRET', SECRETS.orchest)
    const lines: string[] = []
    vi.spyOn(console, 'log').mockImplementation((...args) => void lines.push(args.map(String).join(' ')))
    const listener = await load('Node')
    const d = await delivery('orchest', { id: 'readme-node-1' })
    const res = await send(listener, d, '/webhooks/orchest')
    expect(res.status).toBe(204)
    expect(lines).toEqual(['project:one-off-job:succeeded readme-node-1 [object Object]'])
    const forged = await send(listener, { ...d, body: d.body.replace('succeeded', 'failed') }, '/webhooks/orchest')
    expect([forged.status, forged.body.code]).toEqual([401, 'SIGNATURE_MISMATCH'])
    expect(lines).toHaveLength(1)
  })

  it('the Routing example dispatches a failed run to its handler and logs an unknown event', async () => {
    vi.stubEnv('ORCHEST_WEBHOOK_SECRET', SECRETS.orchest)
    const lines: string[] = []
    vi.spyOn(console, 'log').mockImplementation((...args) => void lines.push(args.map(String).join(' ')))
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const listener = await load('Routing')
    const orchest = async (type: string, event: Record<string, unknown>) => {
      const body = JSON.stringify({
        delivered_for: { name: 'hook', type: 'webhook' },
        event: { type, uuid: crypto.randomUUID(), ...event },
      })
      const headers = await sign('orchest', { secret: SECRETS.orchest, body })
      return send(
        listener,
        { provider: 'orchest', method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' }, payload: undefined },
        '/webhooks/orchest',
      )
    }
    expect((await orchest('project:one-off-job:pipeline-run:failed', { project: { job: { name: 'nightly' } } })).status).toBe(200)
    expect((await orchest('project:deleted', {})).status).toBe(200)
    expect(lines).toEqual(['run failed: nightly', 'not handled: project:deleted'])
  })
})
