/**
 * Attack on MemoryReplayStore's eviction (issue #13: "a flood ... cannot evict what was processed
 * within its TTL"). The attacker holds captures of deliveries the store already knows and replays
 * them: each replay is a `begin` that finds its key. If that refreshed recency (LRU), the replayed
 * keys would be shielded and a processed delivery written after them would be evicted first, so its
 * retry would run the handler again, with fewer new writes than the capacity forces.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MemoryReplayStore } from '../src/replay.js'

const LEASE = 60_000
const TTL = 86_400_000

describe('attack: replays of known keys reorder the store so a processed delivery is evicted early', () => {
  it('MemoryReplayStore({ maxEntries: 100 }) keeps the last processed delivery after 99 replayed captures and one new delivery', async () => {
    const store = new MemoryReplayStore({ maxEntries: 100 })
    for (let i = 0; i < 99; i++) {
      await store.begin(`orchest:old-${i}`, LEASE, `o-${i}`)
      await store.complete(`orchest:old-${i}`, TTL, `o-${i}`)
    }
    await store.begin('orchest:real', LEASE, 'real')
    await store.complete('orchest:real', TTL, 'real')
    // the attacker replays every capture it holds; each answers done, as it should
    for (let i = 0; i < 99; i++) expect(await store.begin(`orchest:old-${i}`, LEASE)).toBe('done')
    // one new delivery: the capacity forces one eviction, and it must be the oldest write
    await store.begin('orchest:next', LEASE, 'next')
    expect(await store.begin('orchest:real', LEASE)).toBe('done')
    expect(await store.begin('orchest:old-0', LEASE)).toBe('new')
  })
})

describe('property: replays never make a processed key go before maxEntries newer writes force it', () => {
  it('MemoryReplayStore keeps a done key through any replays of known keys interleaved with fewer than maxEntries new writes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 40 }),
        fc.array(fc.oneof(fc.record({ replay: fc.nat() }), fc.record({ write: fc.constant(true) })), { maxLength: 200 }),
        async (max, steps) => {
          const store = new MemoryReplayStore({ maxEntries: max })
          const known: string[] = []
          for (let i = 0; i < max - 1; i++) {
            known.push(`k-${i}`)
            await store.complete(`k-${i}`, TTL)
          }
          await store.complete('real', TTL, 'real-owner')
          // every begin that answers new is a write the capacity has to make room for, whoever sent it
          let writes = 0
          for (const step of steps) {
            if (writes >= max - 1) break
            if ('replay' in step) {
              if ((await store.begin(known[step.replay % known.length] as string, LEASE)) === 'new') writes++
            } else {
              writes++
              known.push(`new-${writes}`)
              await store.begin(`new-${writes}`, LEASE, `n-${writes}`)
            }
          }
          expect(await store.begin('real', LEASE)).toBe('done')
        },
      ),
      { numRuns: 200 },
    )
  })
})
