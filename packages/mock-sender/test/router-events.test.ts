import { ORCHEST_EVENT_TYPES as CORE_ORCHEST, type OrchestEventType as CoreOrchestType, createRouter } from '@hookproof/core'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { ORCHEST_EVENT_TYPES, type OrchestEventType, orchestEvent } from '../src/vendors/orchest.js'
import { XPLENTY_EVENT_TYPES } from '../src/vendors/xplenty.js'

// Core's router owns the Orchest event list and the sender re-exports it; this pins that the
// sender's public names still are that list and that type (orchest-wire.test.ts checks the list
// itself against the vendor's migrations, literally).
describe("the mock sender's event lists agree with core's router", () => {
  it('the 58 Orchest event types are the same list and the same type', () => {
    expect([...ORCHEST_EVENT_TYPES]).toEqual([...CORE_ORCHEST])
    expect(CORE_ORCHEST).toHaveLength(58)
    expectTypeOf<OrchestEventType>().toEqualTypeOf<CoreOrchestType>()
  })

  it("every Orchest and Xplenty event the sender can produce is accepted by the router's .on()", () => {
    const orchest = createRouter({ provider: 'orchest', logger: false })
    for (const type of [...ORCHEST_EVENT_TYPES, 'ping'] as const) orchest.on(type, () => {})
    const xplenty = createRouter({ provider: 'xplenty', logger: false })
    for (const type of [...XPLENTY_EVENT_TYPES, 'ping'] as const) xplenty.on(type, () => {})
    expect(orchestEvent({ type: 'project:cron-job:run:failed' }).event).toBe('project:cron-job:run:failed')
  })
})
