import { randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { RequestListener } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { INestApplication } from '@nestjs/common'
import { afterAll, expect, it, vi } from 'vitest'
import { delivery, SECRETS, send } from '../../core/test/adapter-suite/index.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const blocks = [...readFileSync(join(root, 'packages/nestjs/README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map(
  (m) => m[1] as string,
)
const apps: INestApplication[] = []
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()))
})

/** Writes a README block inside the repository (so packages resolve as for a user) and imports it. */
async function load(block: string, name: string): Promise<Record<string, unknown>> {
  // a folder the root tsconfig includes: vite applies its experimentalDecorators only there
  const dir = join(root, 'packages', 'nestjs', 'test', `.readme-${randomUUID()}`)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${name}.ts`)
  writeFileSync(file, block)
  try {
    return (await import(/* @vite-ignore */ file)) as Record<string, unknown>
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

it('the README quick start runs as written: 204 for a signed delivery, 401 problem+json for a forged one, 200 for a duplicate', async () => {
  const block = blocks[0] as string
  expect(block).toContain('await app.listen(3000)')
  vi.stubEnv('ORCHEST_WEBHOOK_SECRET', SECRETS.orchest)
  const lines: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((...args) => void lines.push(args.map(String).join(' ')))
  try {
    const { app } = (await load(block.replace('await app.listen(3000)', 'await app.init()\nexport { app }'), 'quick-start')) as {
      app: INestApplication
    }
    apps.push(app)
    const listener = app.getHttpAdapter().getInstance() as RequestListener
    const d = await delivery('orchest')
    expect((await send(listener, d, '/webhooks/orchest')).status).toBe(204)
    expect(lines).toEqual([expect.stringContaining(d.headers['X-Orchest-Delivery'] as string)])
    const forged = await send(listener, { ...d, body: `${d.body} ` }, '/webhooks/orchest')
    expect([forged.status, forged.headers['content-type'], forged.body.code]).toEqual([
      401,
      'application/problem+json',
      'SIGNATURE_MISMATCH',
    ])
    expect((await send(listener, d, '/webhooks/orchest')).body.code).toBe('DUPLICATE_DELIVERY')
  } finally {
    log.mockRestore()
    vi.unstubAllEnvs()
  }
})

it('every other README block compiles and loads (imports resolve, decorators apply)', async () => {
  vi.stubEnv('ORCHEST_WEBHOOK_SECRET', SECRETS.orchest)
  try {
    for (const [i, block] of blocks.slice(1).entries()) {
      const loaded = await load(block, `block-${i + 1}`)
      expect(Object.keys(loaded).length).toBeGreaterThan(0)
    }
  } finally {
    vi.unstubAllEnvs()
  }
})
