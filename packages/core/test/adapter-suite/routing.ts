import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { RequestListener } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRouter } from '@hookproof/core'
import { expect, it, vi } from 'vitest'
import { z } from 'zod'
import { delivery, SECRETS } from './deliveries.js'
import { type AdapterFixture, receiver, send } from './fixture.js'

const secret = SECRETS.orchest

/** A signed Orchest delivery of one event type; `event` extends the event object. */
function orchest(type: string, event: Record<string, unknown> = {}) {
  const body = JSON.stringify({
    delivered_for: { name: 'hook', verify_ssl: false, content_type: 'application/json', uuid: 'u-1', type: 'webhook' },
    event: { type, uuid: 'e-1', timestamp: '2023-11-14 22:13:20.000000+00:00', ...event },
  })
  return delivery('orchest', { body, sign: { event: type } })
}

function recorder() {
  const lines: string[] = []
  return { lines, logger: { warn: (message: string) => void lines.push(message) } }
}

/**
 * Registers the routing tests, through real HTTP: `verifyWebhook({ router })` answers with the
 * routed handler's reply and never calls the framework's next handler.
 */
export function routingTests(fixture: AdapterFixture): void {
  it('verifyWebhook({ router }) runs the routed handler with the payload and answers its reply', async () => {
    const seen: string[] = []
    const router = createRouter({ provider: 'orchest', logger: false }).on(
      'project:one-off-job:pipeline-run:failed',
      ({ payload, deliveryId }) => {
        seen.push(`${payload.event.project.job.name}:${deliveryId}`)
        return { status: 202, body: { queued: true } }
      },
    )
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret, router })
    const d = await orchest('project:one-off-job:pipeline-run:failed', {
      project: { uuid: 'p', name: 'billing', job: { name: 'nightly' } },
    })
    const res = await send(app, d)
    expect(res.status).toBe(202)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.body).toEqual({ queued: true })
    expect(seen).toEqual([`nightly:${d.headers['X-Orchest-Delivery']}`])
    expect(calls).toHaveLength(0)
  })

  it('verifyWebhook({ router }) answers 200 to an unknown event and logs it once per event name', async () => {
    const { lines, logger } = recorder()
    const router = createRouter({ provider: 'orchest', logger }).on('project:created', () => {})
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret, router })
    expect((await send(app, await orchest('project:deleted'))).status).toBe(200)
    expect((await send(app, await orchest('project:deleted'))).status).toBe(200)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('"project:deleted"')
    expect(calls).toHaveLength(0)
  })

  it('verifyWebhook({ router }) answers a schema mismatch with 422 problem+json listing the paths, not the values', async () => {
    const schema = z.object({ event: z.object({ project: z.object({ uuid: z.string(), name: z.string() }) }) })
    let runs = 0
    const router = createRouter({ provider: 'orchest', logger: false }).on('project:created', { schema }, () => void runs++)
    const { app } = receiver(fixture, { provider: 'orchest', secret, router })
    const res = await send(app, await orchest('project:created', { project: { uuid: 31337, name: ['top-secret-name'] } }))
    expect(res.status).toBe(422)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(res.body).toMatchObject({
      code: 'PAYLOAD_SCHEMA_MISMATCH',
      status: 422,
      errors: [{ pointer: '#/event/project/uuid' }, { pointer: '#/event/project/name' }],
    })
    expect(res.text).not.toContain('31337')
    expect(res.text).not.toContain('top-secret-name')
    expect(runs).toBe(0)
  })

  it('verifyWebhook({ router }) releases the claim when the routed handler throws: the retry is processed, then acknowledged', async () => {
    let runs = 0
    const router = createRouter({ provider: 'orchest', logger: false }).on('project:one-off-job:failed', () => {
      if (++runs === 1) throw new Error('database down')
    })
    const { app, events } = receiver(fixture, { provider: 'orchest', secret, router })
    const d = await orchest('project:one-off-job:failed')
    expect((await send(app, d)).status).toBe(500)
    expect((await send(app, d)).status).toBe(200)
    const third = await send(app, d)
    expect(third.status).toBe(200)
    expect(third.body.code).toBe('DUPLICATE_DELIVERY')
    expect(runs).toBe(2)
    expect(events.map((e) => e.outcome ?? e.type)).toEqual(['aborted', 'completed', 'duplicate'])
  })
}

/**
 * Runs the first `ts` block under a README's "## Routing" heading as written (only `listen`, the
 * framework's `app.listen(3000)` call, becomes an export) and sends it real deliveries: the routed, schema-checked and fallback paths.
 */
export function readmeRoutingTests(readme: string, listener: (app: unknown) => RequestListener, listen = 'app.listen(3000)'): void {
  it(`the ${readme} Routing example runs as written, in under 15 lines of code`, async () => {
    const root = fileURLToPath(new URL('../../../../', import.meta.url))
    const text = readFileSync(join(root, readme), 'utf8')
    const block = /```ts\n([\s\S]*?)```/.exec(text.slice(text.indexOf('\n## Routing\n')))?.[1]
    if (block === undefined) throw new Error(`${readme} has no Routing example`)
    expect(block.split('\n').filter((line) => line.trim() !== '').length).toBeLessThan(15)
    expect(block).toContain(listen)
    // inside the repository, so that `zod` and the workspace packages resolve as they do for a user
    const dir = join(root, 'node_modules', '.cache', 'hookproof-readme')
    mkdirSync(dir, { recursive: true })
    const file = join(dir, `${readme.replaceAll('/', '_')}-${process.pid}.ts`)
    writeFileSync(file, block.replace(listen, 'export { app }'))
    process.env.ORCHEST_WEBHOOK_SECRET = secret
    const lines: string[] = []
    const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void lines.push(args.map(String).join(' ')))
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const { app } = (await import(/* @vite-ignore */ file)) as { app: unknown }
      const target = listener(app)
      const post = (d: Awaited<ReturnType<typeof orchest>>) => send(target, d, '/webhooks/orchest')
      expect((await post(await orchest('project:one-off-job:pipeline-run:failed', { project: { job: { name: 'nightly' } } }))).status).toBe(
        200,
      )
      expect((await post(await orchest('project:created', { project: { name: 'billing' } }))).status).toBe(202)
      const invalid = await post(await orchest('project:created', { project: { name: 7 } }))
      expect(invalid.status).toBe(422)
      expect(invalid.body.errors).toEqual([{ pointer: '#/event/project/name' }])
      expect((await post(await orchest('project:deleted'))).status).toBe(200)
      expect(lines).toEqual(['run failed: nightly', 'not handled: project:deleted'])
      expect(warn.mock.calls.map((call) => call[0])).toEqual([expect.stringContaining('PAYLOAD_SCHEMA_MISMATCH')])
    } finally {
      spy.mockRestore()
      warn.mockRestore()
      delete process.env.ORCHEST_WEBHOOK_SECRET
      rmSync(file, { force: true })
    }
  })
}
