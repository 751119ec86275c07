import { afterEach, describe, expect, it, vi } from 'vitest'
import { bodyTimeoutOption, DEFAULT_BODY_TIMEOUT_MS, readBodyWithin } from '../src/flow.js'
import { type Claim, takeClaim } from '../src/lease.js'
import { createVerifier } from '../src/node.js'
import { MemoryReplayStore, type ReplayStore } from '../src/replay.js'

const timing = { leaseMs: 300, ttlMs: 60_000, maxHoldMs: 3_000 }

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** A MemoryReplayStore whose renew calls are counted, and answered by `answer` when given. */
function countingStore(answer?: () => Promise<boolean>) {
  const store = new MemoryReplayStore()
  const renewals: number[] = []
  const inner = store.renew.bind(store)
  store.renew = (key, leaseMs, owner) => {
    renewals.push(leaseMs)
    return answer ? answer() : inner(key, leaseMs, owner)
  }
  return { store, renewals }
}

async function claimed(store: ReplayStore, key = 'orchest:k', t = timing): Promise<Claim> {
  const taken = await takeClaim(store, key, t)
  if (typeof taken === 'string') throw new Error(`expected a claim, got ${taken}`)
  return taken
}

describe('takeClaim()', () => {
  it('renews every leaseMs / 3 while held and stops (no timer left) once complete() is called', async () => {
    vi.useFakeTimers()
    const { store, renewals } = countingStore()
    const claim = await claimed(store)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(renewals).toEqual([300, 300, 300, 300, 300, 300, 300, 300, 300, 300])
    expect(await store.begin('orchest:k', 300, 'other')).toBe('in-flight')
    await claim.complete()
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(renewals).toHaveLength(10)
    expect(claim.lost).toBe(false)
    expect(await store.begin('orchest:k', 300, 'other')).toBe('done')
  })

  it('stops renewing and reports lost when the store answers that the claim is no longer ours', async () => {
    vi.useFakeTimers()
    const { store, renewals } = countingStore(async () => false)
    const claim = await claimed(store)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(renewals).toHaveLength(1)
    expect(claim.lost).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stops renewing and reports lost when a renewal fails (store down)', async () => {
    vi.useFakeTimers()
    const { store, renewals } = countingStore(() => Promise.reject(new Error('ECONNRESET')))
    const claim = await claimed(store)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(renewals).toHaveLength(1)
    expect(claim.lost).toBe(true)
  })

  it('renews only up to maxHoldMs: the last renewal asks for what is left, then the lease lapses and a retry gets in', async () => {
    vi.useFakeTimers()
    const { store, renewals } = countingStore()
    await claimed(store)
    await vi.advanceTimersByTimeAsync(2_900)
    expect(await store.begin('orchest:k', 300, 'retry')).toBe('in-flight')
    await vi.advanceTimersByTimeAsync(1_000)
    expect(vi.getTimerCount()).toBe(0)
    expect(renewals.every((ms) => ms <= 300)).toBe(true)
    expect(await store.begin('orchest:k', 300, 'retry')).toBe('new')
  })

  it('sets no timer for a store without renew(), nor when maxHoldMs is not above the lease', async () => {
    vi.useFakeTimers()
    const plain = new MemoryReplayStore()
    const legacy: ReplayStore = {
      begin: (k, l) => plain.begin(k, l),
      complete: (k, t) => plain.complete(k, t),
      abort: (k) => plain.abort(k),
    }
    await claimed(legacy)
    expect(vi.getTimerCount()).toBe(0)
    await claimed(new MemoryReplayStore(), 'orchest:short', { leaseMs: 300, ttlMs: 1_000, maxHoldMs: 300 })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('gives every claim its own owner token and answers the state that kept a claim from being taken', async () => {
    const store = new MemoryReplayStore()
    const a = await claimed(store, 'github:a')
    const b = await claimed(store, 'github:b')
    // a random UUID per process, then a counter: unique across the instances sharing a store
    const token = /^([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})\.[0-9a-z]+$/
    expect(a.owner).toMatch(token)
    expect(b.owner).toMatch(token)
    expect(a.owner).not.toBe(b.owner)
    expect(a.owner.match(token)?.[1]).toBe(b.owner.match(token)?.[1])
    expect(await takeClaim(store, 'github:a', timing)).toBe('in-flight')
    await a.abort()
    await a.complete()
    expect(await store.begin('github:a', 300, 'next')).toBe('new')
    await b.complete()
    expect(await takeClaim(store, 'github:b', timing)).toBe('done')
    await a.abort()
  })

  it('renews every held claim from one shared timer, which stops when the last claim ends', async () => {
    vi.useFakeTimers()
    const { store, renewals } = countingStore()
    const first = await claimed(store, 'orchest:1')
    await vi.advanceTimersByTimeAsync(70)
    const second = await claimed(store, 'orchest:2')
    const third = await claimed(store, 'orchest:3')
    expect(vi.getTimerCount()).toBe(1)
    // ticks at 100 and 200 renew all three: never more than a period (a third of the lease) apart
    await vi.advanceTimersByTimeAsync(130)
    expect(renewals).toHaveLength(6)
    await first.complete()
    await second.abort()
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(100)
    expect(renewals).toHaveLength(7)
    await third.complete()
    expect(vi.getTimerCount()).toBe(0)
    expect([first.lost, second.lost, third.lost]).toEqual([false, false, false])
    // the leases held: nobody else could claim while they were renewed
    expect(await store.begin('orchest:3', 300, 'other')).toBe('done')
  })

  it("unref's its renewal timer, so a held claim never keeps the process alive", async () => {
    const spy = vi.spyOn(globalThis, 'setInterval')
    const claim = await claimed(new MemoryReplayStore())
    const timer = spy.mock.results[0]?.value as NodeJS.Timeout
    expect(timer.hasRef()).toBe(false)
    await claim.abort()
  })
})

describe('readBodyWithin()', () => {
  it('passes the body through and clears its timer when the read finishes in time', async () => {
    vi.useFakeTimers()
    const stop = vi.fn()
    const body = new Uint8Array([1, 2, 3])
    expect(await readBodyWithin(Promise.resolve(body), 200, stop)).toBe(body)
    expect(vi.getTimerCount()).toBe(0)
    expect(stop).not.toHaveBeenCalled()
  })

  it('calls stop and resolves 408 BODY_TIMEOUT when the read is not done by timeoutMs, ignoring its late outcome', async () => {
    vi.useFakeTimers()
    const stop = vi.fn()
    let fail: (error: Error) => void = () => {}
    const read = new Promise<Uint8Array>((_, reject) => {
      fail = reject
    })
    const result = readBodyWithin(read, 200, stop)
    await vi.advanceTimersByTimeAsync(199)
    expect(stop).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(await result).toMatchObject({ ok: false, code: 'BODY_TIMEOUT', status: 408 })
    expect(stop).toHaveBeenCalledTimes(1)
    fail(new Error('request aborted'))
  })

  it('with Infinity sets no timer at all', async () => {
    vi.useFakeTimers()
    const pending = readBodyWithin(new Promise(() => {}), Number.POSITIVE_INFINITY, () => {})
    expect(vi.getTimerCount()).toBe(0)
    void pending
  })
})

describe('options', () => {
  it.each([0, -1, Number.NaN, '900'])('createVerifier({ maxHoldSeconds: %s }) throws a TypeError naming the option', (maxHoldSeconds) => {
    expect(() => createVerifier({ provider: 'orchest', secret: 's', maxHoldSeconds: maxHoldSeconds as number })).toThrow(/maxHoldSeconds/)
  })

  it('bodyTimeoutOption() defaults to 30 s, keeps Infinity, and rejects what is not a positive number', () => {
    expect(bodyTimeoutOption(undefined)).toBe(DEFAULT_BODY_TIMEOUT_MS)
    expect(DEFAULT_BODY_TIMEOUT_MS).toBe(30_000)
    expect(bodyTimeoutOption(250)).toBe(250)
    expect(bodyTimeoutOption(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY)
    for (const bad of [0, -5, Number.NaN, '1s', null]) expect(() => bodyTimeoutOption(bad)).toThrow(TypeError)
  })
})
