import { describe, expect, it } from 'vitest'
import { MemoryReplayStore } from '../src/replay.js'
import { describeReplayStore } from './replay-contract.js'

/** A clock the test moves by hand. */
function manualClock(start = 1_700_000_000_000) {
  let now = start
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms
    },
  }
}

describeReplayStore('MemoryReplayStore with an injected clock', async () => {
  const clock = manualClock()
  return { store: new MemoryReplayStore({ now: clock.now }), advance: clock.advance }
})

describeReplayStore('MemoryReplayStore on the real clock', async () => ({ store: new MemoryReplayStore() }))

describe('MemoryReplayStore', () => {
  it('holds at most maxEntries keys under a flood of unique deliveries', async () => {
    const store = new MemoryReplayStore({ maxEntries: 100 })
    for (let i = 0; i < 10_000; i++) {
      await store.begin(`orchest:flood-${i}`, 60_000)
      if (i % 2 === 0) await store.complete(`orchest:flood-${i}`, 60_000)
    }
    expect(store.size).toBe(100)
    // the newest keys are the ones kept
    expect(await store.begin('orchest:flood-9999', 60_000)).toBe('in-flight')
    expect(await store.begin('orchest:flood-9998', 60_000)).toBe('done')
    expect(await store.begin('orchest:flood-0', 60_000)).toBe('new')
  })

  it('evicts the least recently written key: a begin() that finds a key does not shield it, a renew() by its owner does', async () => {
    const store = new MemoryReplayStore({ maxEntries: 3 })
    await store.begin('a', 60_000, 'owner-a')
    await store.begin('b', 60_000, 'owner-b')
    await store.complete('c', 60_000)
    // a replayed copy of `a` arrives: anyone can send one, so it must not change what is evicted
    expect(await store.begin('a', 60_000)).toBe('in-flight')
    await store.begin('d', 60_000)
    expect(store.size).toBe(3)
    // `b`'s owner renews: its claim moves to the back, so the oldest write now is `c`
    expect(await store.renew('b', 60_000, 'owner-b')).toBe(true)
    await store.begin('e', 60_000)
    expect(await store.begin('b', 60_000)).toBe('in-flight')
    expect(await store.begin('d', 60_000)).toBe('in-flight')
    // `a` went first despite its replayed copy, then `c`
    expect(await store.begin('c', 60_000)).toBe('new')
    expect(await store.begin('a', 60_000)).toBe('new')
  })

  it('when full, drops expired keys before live ones', async () => {
    const clock = manualClock()
    const store = new MemoryReplayStore({ maxEntries: 4, now: clock.now })
    await store.complete('kept-1', 60_000)
    await store.begin('lapsed', 1_000, 'crashed')
    await store.complete('kept-2', 60_000)
    await store.complete('kept-3', 60_000)
    clock.advance(2_000)
    await store.begin('new', 60_000)
    expect(store.size).toBe(4)
    expect(await store.begin('kept-1', 60_000)).toBe('done')
    expect(await store.begin('kept-2', 60_000)).toBe('done')
    expect(await store.begin('kept-3', 60_000)).toBe('done')
  })

  it('complete() refreshes recency: a completed key outlives keys begun before it', async () => {
    const store = new MemoryReplayStore({ maxEntries: 2 })
    await store.begin('first', 60_000)
    await store.begin('second', 60_000)
    await store.complete('first', 60_000)
    await store.begin('third', 60_000)
    expect(await store.begin('first', 60_000)).toBe('done')
    expect(await store.begin('second', 60_000)).toBe('new')
  })

  it('maxEntries: 1 keeps exactly the last key', async () => {
    const store = new MemoryReplayStore({ maxEntries: 1 })
    expect(await store.begin('x', 60_000)).toBe('new')
    expect(await store.begin('y', 60_000)).toBe('new')
    expect(store.size).toBe(1)
    expect(await store.begin('y', 60_000)).toBe('in-flight')
  })

  it('drops an expired key when it is next seen instead of reporting its old state', async () => {
    const clock = manualClock()
    const store = new MemoryReplayStore({ now: clock.now })
    await store.complete('github:old', 1_000)
    await store.begin('github:lease', 1_000)
    expect(store.size).toBe(2)
    clock.advance(1_000)
    // expiry is inclusive of the TTL: at exactly ttl ms the key is gone
    expect(await store.begin('github:old', 1_000)).toBe('new')
    expect(await store.begin('github:lease', 1_000)).toBe('new')
    expect(store.size).toBe(2)
    clock.advance(999)
    expect(await store.begin('github:old', 1_000)).toBe('in-flight')
  })

  it('an expired key is replaced, not duplicated, so size does not grow on retries', async () => {
    const clock = manualClock()
    const store = new MemoryReplayStore({ now: clock.now, maxEntries: 10 })
    for (let i = 0; i < 50; i++) {
      expect(await store.begin('orchest:retried', 100)).toBe('new')
      clock.advance(100)
    }
    expect(store.size).toBe(1)
  })

  it('abort() removes the key from the count', async () => {
    const store = new MemoryReplayStore()
    await store.begin('a', 60_000)
    await store.begin('b', 60_000)
    await store.abort('a')
    expect(store.size).toBe(1)
  })

  it('defaults to 10 000 entries', async () => {
    const store = new MemoryReplayStore()
    for (let i = 0; i < 10_001; i++) await store.begin(`k${i}`, 60_000)
    expect(store.size).toBe(10_000)
    expect(await store.begin('k0', 60_000)).toBe('new')
  })

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '100' as unknown as number])(
    'new MemoryReplayStore({ maxEntries: %s }) throws a TypeError naming the option',
    (maxEntries) => {
      expect(() => new MemoryReplayStore({ maxEntries })).toThrow(TypeError)
      expect(() => new MemoryReplayStore({ maxEntries })).toThrow(/maxEntries/)
    },
  )
})
