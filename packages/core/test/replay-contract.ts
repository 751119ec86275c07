/**
 * The contract every `ReplayStore` must pass: `MemoryReplayStore` here, `RedisReplayStore` in
 * `@hookproof/redis`, and any store a user writes. Call it from a `*.test.ts` file:
 *
 * @example
 * describeReplayStore('MemoryReplayStore', async () => ({ store: new MemoryReplayStore() }))
 */
import { describe, expect, it } from 'vitest'
import type { BeginResult, ReplayStore } from '../src/replay.js'

/** One store under test, made fresh for every test. */
export interface ReplayStoreFixture {
  store: ReplayStore
  /**
   * Moves the store's clock forward by `ms`. Stores with an injectable clock provide it; without
   * it the suite waits in real time, with leases and TTLs of a few hundred ms.
   */
  advance?(ms: number): void | Promise<void>
  /** Frees what the fixture made (keys, connections). */
  cleanup?(): void | Promise<void>
}

/** Short enough to wait out in real time, long enough to outlast the awaits before the check. */
const SHORT_MS = 120
/** Comfortably longer than a SHORT_MS wait, so "still held" checks never race the clock. */
const LONG_MS = 60_000
/** How long to wait for a SHORT_MS lease or TTL to be over, with room for a loaded machine. */
const PAST_SHORT_MS = SHORT_MS * 3

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Registers the shared `ReplayStore` contract tests under `describe(name)`.
 *
 * @param makeStore makes a fresh, empty store (or a fresh key space of a shared one) per test.
 */
export function describeReplayStore(name: string, makeStore: () => Promise<ReplayStoreFixture>): void {
  /** Runs `body` with a fresh store and always cleans up. */
  async function withStore(body: (store: ReplayStore, elapse: (ms: number) => Promise<void>) => Promise<void>): Promise<void> {
    const fixture = await makeStore()
    const elapse = async (ms: number) => {
      if (fixture.advance) await fixture.advance(ms)
      else await sleep(ms)
    }
    try {
      await body(fixture.store, elapse)
    } finally {
      await fixture.cleanup?.()
    }
  }

  describe(`${name} (ReplayStore contract)`, () => {
    it('begin() on an unseen key returns new, then in-flight while the lease holds', () =>
      withStore(async (store) => {
        expect(await store.begin('orchest:d-1', LONG_MS)).toBe('new')
        expect(await store.begin('orchest:d-1', LONG_MS)).toBe('in-flight')
        expect(await store.begin('orchest:d-1', LONG_MS)).toBe('in-flight')
      }))

    it('100 parallel begin() calls on one key give exactly one new and 99 in-flight', () =>
      withStore(async (store) => {
        const results = await Promise.all(Array.from({ length: 100 }, () => store.begin('orchest:concurrent', LONG_MS)))
        const count = (state: BeginResult) => results.filter((r) => r === state).length
        expect(count('new')).toBe(1)
        expect(count('in-flight')).toBe(99)
        expect(count('done')).toBe(0)
      }))

    it('100 parallel begin() calls on 100 distinct keys are all new', () =>
      withStore(async (store) => {
        const results = await Promise.all(Array.from({ length: 100 }, (_, i) => store.begin(`up42:msg-${i}`, LONG_MS)))
        expect(results.every((r) => r === 'new')).toBe(true)
      }))

    it('an expired lease turns in-flight back into new (a crashed handler does not block the retry)', () =>
      withStore(async (store, elapse) => {
        expect(await store.begin('orchest:crash', SHORT_MS)).toBe('new')
        expect(await store.begin('orchest:held', LONG_MS)).toBe('new')
        await elapse(PAST_SHORT_MS)
        expect(await store.begin('orchest:crash', SHORT_MS)).toBe('new')
        // the lease of the retry is a fresh one
        expect(await store.begin('orchest:crash', SHORT_MS)).toBe('in-flight')
        // a key with a long lease is untouched by the wait
        expect(await store.begin('orchest:held', LONG_MS)).toBe('in-flight')
      }))

    it('a begin() that finds a key in flight does not extend its lease', () =>
      withStore(async (store, elapse) => {
        // a lease long enough that the check right after it cannot race the clock
        const lease = 500
        expect(await store.begin('orchest:no-extend', lease)).toBe('new')
        // a duplicate asking with a long lease must not take over the first attempt's lease
        expect(await store.begin('orchest:no-extend', LONG_MS)).toBe('in-flight')
        await elapse(lease * 2)
        expect(await store.begin('orchest:no-extend', SHORT_MS)).toBe('new')
      }))

    it('complete() keeps the key done for its TTL, then it is new again', () =>
      withStore(async (store, elapse) => {
        expect(await store.begin('github:kept', LONG_MS)).toBe('new')
        await store.complete('github:kept', LONG_MS)
        expect(await store.begin('github:short', LONG_MS)).toBe('new')
        await store.complete('github:short', SHORT_MS)

        expect(await store.begin('github:kept', LONG_MS)).toBe('done')
        await elapse(PAST_SHORT_MS)
        expect(await store.begin('github:kept', LONG_MS)).toBe('done')
        expect(await store.begin('github:short', LONG_MS)).toBe('new')
      }))

    it('complete() outlives the lease it replaces', () =>
      withStore(async (store, elapse) => {
        expect(await store.begin('standard-webhooks:msg_1', SHORT_MS)).toBe('new')
        await store.complete('standard-webhooks:msg_1', LONG_MS)
        await elapse(PAST_SHORT_MS)
        expect(await store.begin('standard-webhooks:msg_1', SHORT_MS)).toBe('done')
      }))

    it('begin() after complete() returns done every time and does not reopen the key', () =>
      withStore(async (store) => {
        expect(await store.begin('y42:job-7', LONG_MS)).toBe('new')
        await store.complete('y42:job-7', LONG_MS)
        const again = await Promise.all(Array.from({ length: 20 }, () => store.begin('y42:job-7', LONG_MS)))
        expect(again).toEqual(Array.from({ length: 20 }, () => 'done'))
      }))

    it('complete() without a prior begin() records the key as done', () =>
      withStore(async (store) => {
        await store.complete('xplenty:sig-abc', LONG_MS)
        expect(await store.begin('xplenty:sig-abc', LONG_MS)).toBe('done')
      }))

    it('abort() frees an in-flight key so the retry is new', () =>
      withStore(async (store) => {
        expect(await store.begin('orchest:fail-1', LONG_MS)).toBe('new')
        await store.abort('orchest:fail-1')
        expect(await store.begin('orchest:fail-1', LONG_MS)).toBe('new')
        expect(await store.begin('orchest:fail-1', LONG_MS)).toBe('in-flight')
      }))

    it('abort() of a key that was never begun resolves and changes nothing else', () =>
      withStore(async (store) => {
        expect(await store.begin('orchest:other', LONG_MS)).toBe('new')
        await expect(store.abort('orchest:never-seen')).resolves.toBeUndefined()
        expect(await store.begin('orchest:other', LONG_MS)).toBe('in-flight')
        expect(await store.begin('orchest:never-seen', LONG_MS)).toBe('new')
      }))

    it('keys of different providers with the same delivery id never collide', () =>
      withStore(async (store) => {
        expect(await store.begin('orchest:abc', LONG_MS)).toBe('new')
        expect(await store.begin('github:abc', LONG_MS)).toBe('new')
        expect(await store.begin('abc', LONG_MS)).toBe('new')
        expect(await store.begin('orchest:abcd', LONG_MS)).toBe('new')

        await store.complete('orchest:abc', LONG_MS)
        expect(await store.begin('orchest:abc', LONG_MS)).toBe('done')
        expect(await store.begin('github:abc', LONG_MS)).toBe('in-flight')

        await store.abort('github:abc')
        expect(await store.begin('orchest:abc', LONG_MS)).toBe('done')
        expect(await store.begin('github:abc', LONG_MS)).toBe('new')
        expect(await store.begin('abc', LONG_MS)).toBe('in-flight')
      }))

    it('an owner-aware begin() answers like one without: new, then in-flight for any other owner', () =>
      withStore(async (store) => {
        expect(await store.begin('orchest:own-1', LONG_MS, 'owner-a')).toBe('new')
        expect(await store.begin('orchest:own-1', LONG_MS, 'owner-b')).toBe('in-flight')
        expect(await store.begin('orchest:own-1', LONG_MS, 'owner-a')).toBe('in-flight')
        expect(await store.begin('orchest:own-1', LONG_MS)).toBe('in-flight')
      }))

    it("a late abort() of the first owner, whose lease expired, does not delete the second owner's claim", () =>
      withStore(async (store, elapse) => {
        expect(await store.begin('orchest:late-abort', SHORT_MS, 'first')).toBe('new')
        await elapse(PAST_SHORT_MS)
        expect(await store.begin('orchest:late-abort', LONG_MS, 'second')).toBe('new')
        await store.abort('orchest:late-abort', 'first')
        // no third copy: the second attempt still holds the key
        expect(await store.begin('orchest:late-abort', LONG_MS, 'third')).toBe('in-flight')
      }))

    it('a late complete() of the first owner does not mark the key done while the second owner holds it', () =>
      withStore(async (store, elapse) => {
        expect(await store.begin('orchest:late-done', SHORT_MS, 'first')).toBe('new')
        await elapse(PAST_SHORT_MS)
        expect(await store.begin('orchest:late-done', LONG_MS, 'second')).toBe('new')
        await store.complete('orchest:late-done', LONG_MS, 'first')
        expect(await store.begin('orchest:late-done', LONG_MS, 'third')).toBe('in-flight')
        // the second owner's outcome is the one that counts: its abort lets the retry in
        await store.abort('orchest:late-done', 'second')
        expect(await store.begin('orchest:late-done', LONG_MS, 'third')).toBe('new')
      }))

    it('complete() and abort() by the owner end its claim: done, or free for the retry', () =>
      withStore(async (store) => {
        expect(await store.begin('github:own-done', LONG_MS, 'a')).toBe('new')
        await store.complete('github:own-done', LONG_MS, 'a')
        expect(await store.begin('github:own-done', LONG_MS, 'b')).toBe('done')
        // a done key is not undone by anyone's abort
        await store.abort('github:own-done', 'a')
        expect(await store.begin('github:own-done', LONG_MS, 'b')).toBe('done')
        expect(await store.begin('github:own-abort', LONG_MS, 'a')).toBe('new')
        await store.abort('github:own-abort', 'a')
        expect(await store.begin('github:own-abort', LONG_MS, 'b')).toBe('new')
      }))

    it('a late complete() over a key nobody holds records it as done (the handler did succeed)', () =>
      withStore(async (store, elapse) => {
        expect(await store.begin('up42:lapsed', SHORT_MS, 'first')).toBe('new')
        await elapse(PAST_SHORT_MS)
        await store.complete('up42:lapsed', LONG_MS, 'first')
        expect(await store.begin('up42:lapsed', LONG_MS, 'second')).toBe('done')
      }))

    it('renew() by the owner extends the lease past its first expiry', ({ skip }) =>
      withStore(async (store, elapse) => {
        if (store.renew === undefined) return skip()
        expect(await store.begin('orchest:renewed', SHORT_MS, 'a')).toBe('new')
        expect(await store.renew('orchest:renewed', LONG_MS, 'a')).toBe(true)
        await elapse(PAST_SHORT_MS)
        expect(await store.begin('orchest:renewed', LONG_MS, 'b')).toBe('in-flight')
        expect(await store.renew('orchest:renewed', LONG_MS, 'a')).toBe(true)
      }))

    it('renew() by another owner returns false and does not extend the lease', ({ skip }) =>
      withStore(async (store, elapse) => {
        if (store.renew === undefined) return skip()
        expect(await store.begin('orchest:not-yours', SHORT_MS, 'a')).toBe('new')
        expect(await store.renew('orchest:not-yours', LONG_MS, 'b')).toBe(false)
        await elapse(PAST_SHORT_MS)
        expect(await store.begin('orchest:not-yours', LONG_MS, 'b')).toBe('new')
        // the first owner's claim is gone for good
        expect(await store.renew('orchest:not-yours', LONG_MS, 'a')).toBe(false)
      }))

    it('renew() of an unseen, expired, done or aborted key returns false', ({ skip }) =>
      withStore(async (store, elapse) => {
        const renew = store.renew?.bind(store)
        if (renew === undefined) return skip()
        expect(await renew('y42:unseen', LONG_MS, 'a')).toBe(false)
        expect(await store.begin('y42:expired', SHORT_MS, 'a')).toBe('new')
        await elapse(PAST_SHORT_MS)
        expect(await renew('y42:expired', LONG_MS, 'a')).toBe(false)
        expect(await store.begin('y42:done', LONG_MS, 'a')).toBe('new')
        await store.complete('y42:done', LONG_MS, 'a')
        expect(await renew('y42:done', LONG_MS, 'a')).toBe(false)
        expect(await store.begin('y42:done', LONG_MS, 'b')).toBe('done')
        expect(await store.begin('y42:aborted', LONG_MS, 'a')).toBe('new')
        await store.abort('y42:aborted', 'a')
        expect(await renew('y42:aborted', LONG_MS, 'a')).toBe(false)
      }))

    it('a crashed owner (no renewals) lets the next attempt in after one lease', () =>
      withStore(async (store, elapse) => {
        expect(await store.begin('orchest:crashed', SHORT_MS, 'gone')).toBe('new')
        expect(await store.begin('orchest:crashed', SHORT_MS, 'retry')).toBe('in-flight')
        await elapse(PAST_SHORT_MS)
        expect(await store.begin('orchest:crashed', LONG_MS, 'retry')).toBe('new')
      }))

    it('keys are taken byte for byte: case, spaces and non-ASCII ids stay distinct', () =>
      withStore(async (store) => {
        const keys = ['up42:Msg-1', 'up42:msg-1', 'up42:msg-1 ', 'up42:msg-ü', 'up42:msg-u', 'up42:msg:1']
        for (const key of keys) expect(await store.begin(key, LONG_MS)).toBe('new')
        for (const key of keys) expect(await store.begin(key, LONG_MS)).toBe('in-flight')
      }))
  })
}
