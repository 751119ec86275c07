import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createRouter, ORCHEST_EVENT_TYPES, type OrchestEventType } from '../src/node.js'
import { orchestBody, verified } from './router-support.js'

// The attacker holds a captured, validly signed delivery and changes only what the MAC does not
// cover: the event header. Routing must follow the signed bytes (Orchest) or, where the vendor
// signs no event name (GitHub), a schema must stop a payload from reaching another event's handler.

function countingOrchestRouter() {
  const runs = new Map<string, number>()
  const router = createRouter({ provider: 'orchest', logger: false })
  for (const type of [...ORCHEST_EVENT_TYPES, 'ping'] as const) router.on(type, () => void runs.set(type, (runs.get(type) ?? 0) + 1))
  return { router, runs }
}

describe('attack: a captured Orchest delivery with a changed X-Orchest-Event header', () => {
  it('runs the handler of the signed event.type, never the one the header names', async () => {
    const { router, runs } = countingOrchestRouter()
    const captured = 'project:one-off-job:pipeline-run:failed'
    const hook = await verified('orchest', orchestBody(captured), {
      sign: { event: captured },
      headers: { 'X-Orchest-Event': 'project:deleted' },
    })
    expect(hook.event).toBe('project:deleted') // the verifier reports the header as sent
    const r = await router.handle(hook)
    expect(r.route).toBe(captured)
    expect([...runs]).toEqual([[captured, 1]])
  })

  it('property: whatever the header says, exactly the signed type runs once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<OrchestEventType>(...ORCHEST_EVENT_TYPES),
        fc.oneof(
          fc.constantFrom(...ORCHEST_EVENT_TYPES, 'ping', '*', ''),
          fc.string({ maxLength: 40 }).filter((s) => !/[\r\n]/.test(s)),
        ),
        async (signedType, header) => {
          const { router, runs } = countingOrchestRouter()
          const hook = await verified('orchest', orchestBody(signedType), { sign: { event: signedType } })
          const r = await router.handle({ ...hook, event: header })
          expect(r.route).toBe(signedType)
          expect([...runs]).toEqual([[signedType, 1]])
        },
      ),
      { numRuns: 60 },
    )
  })
})

const Push = z.object({ ref: z.string(), commits: z.array(z.object({ id: z.string() })) })

describe('attack: a captured GitHub issues delivery replayed with X-GitHub-Event: push (GitHub signs no event name)', () => {
  it("a push route with a schema answers 422 and never runs the push handler on the issue's payload", async () => {
    let pushes = 0
    const router = createRouter({ provider: 'github', logger: false }).on('push', { schema: Push }, () => void pushes++)
    const hook = await verified(
      'github',
      { action: 'opened', issue: { number: 1 } },
      { sign: { event: 'issues' }, headers: { 'X-GitHub-Event': 'push' } },
    )
    expect(hook.event).toBe('push')
    const r = await router.handle(hook)
    expect(r).toMatchObject({ status: 422, code: 'PAYLOAD_SCHEMA_MISMATCH', processed: false })
    expect(pushes).toBe(0)
  })

  it('property: a non-push payload under any header never reaches the schema-guarded push handler', async () => {
    const payloads = fc.oneof(
      fc.record({ action: fc.constantFrom('opened', 'closed', 'created'), issue: fc.record({ number: fc.nat() }) }),
      fc.record({ zen: fc.string(), hook_id: fc.nat() }),
      fc.record({ ref: fc.nat() }),
    )
    await fc.assert(
      fc.asyncProperty(payloads, fc.constantFrom('push', 'issues', 'ping', 'star'), async (payload, header) => {
        let pushes = 0
        const router = createRouter({ provider: 'github', logger: false }).on('push', { schema: Push }, () => void pushes++)
        const hook = await verified('github', payload, { sign: { event: 'issues' }, headers: { 'X-GitHub-Event': header } })
        expect(hook.event).toBe(header)
        const r = await router.handle(hook)
        expect(pushes).toBe(0)
        expect([200, 422]).toContain(r.status)
      }),
      { numRuns: 40 },
    )
  })
})
