import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { describe, expect, it, vi } from 'vitest'
import { delivery, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { readmeRoutingTests } from '../../core/test/adapter-suite/routing.js'
import { listener } from './app.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))

describe('README', () => {
  readmeRoutingTests('packages/fastify/README.md', (app) => listener(app as FastifyInstance), 'app.listen({ port: 3000 })')

  it('the first example runs as written: the webhook scope verifies, the JSON route beside it still parses JSON', async () => {
    const text = readFileSync(join(root, 'packages/fastify/README.md'), 'utf8')
    const block = /```ts\n([\s\S]*?)```/.exec(text)?.[1] as string
    expect(block).toContain('await app.listen({ port: 3000 })')
    // inside the repository, so that fastify and the workspace packages resolve as they do for a user
    const dir = join(root, 'node_modules', '.cache', 'hookproof-readme')
    mkdirSync(dir, { recursive: true })
    const file = join(dir, `fastify-first-${process.pid}.ts`)
    writeFileSync(file, block.replace('await app.listen({ port: 3000 })', 'export { app }'))
    vi.stubEnv('ORCHEST_WEBHOOK_SECRET', SECRETS.orchest)
    const lines: string[] = []
    const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void lines.push(args.map(String).join(' ')))
    try {
      const { app } = (await import(/* @vite-ignore */ file)) as { app: FastifyInstance }
      const target = listener(app)
      const d = await delivery('orchest', { id: 'readme-1' })
      expect((await send(target, d, '/webhooks/orchest')).status).toBe(204)
      expect(lines).toEqual(['project:one-off-job:succeeded readme-1 [object Object]'])
      const forged = await send(target, { ...d, body: d.body.replace('readme-1', 'readme-2') }, '/webhooks/orchest')
      expect(forged.status).toBe(401)
      const json = await send(target, { ...d, body: '{"n": 1}', headers: { 'content-type': 'application/json' } }, '/api/items')
      expect(json.body).toEqual({ received: { n: 1 } })
    } finally {
      spy.mockRestore()
      vi.unstubAllEnvs()
      rmSync(file, { force: true })
    }
  })
})
