/**
 * Attacks on exactly-once under slow handlers and lapsed leases (issue #13, "Leases have no
 * owner"). A captured, validly signed delivery is sent again while the first attempt still runs,
 * or after its lease lapsed; the assertions are how often the handler would run.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { takeClaim } from '../src/lease.js'
import { createVerifier, sign } from '../src/node.js'
import { type BeginResult, MemoryReplayStore, type ReplayStore } from '../src/replay.js'

const secret = 'test-secret-1'
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

let counter = 0
/** A captured Orchest delivery: the bytes and headers as the vendor signed them. */
async function captured() {
  const id = `lease-${process.pid}-${++counter}`
  const body = JSON.stringify({ event: { type: 'project:one-off-job:succeeded', uuid: id } })
  const headers = { ...(await sign('orchest', { secret, body, id, event: 'ping' })), 'content-type': 'application/json' }
  return { body: new TextEncoder().encode(body), headers }
}

function manualClock(start = 1_700_000_000_000) {
  let now = start
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms
    },
  }
}

/** What the verifier answers to one more copy: `ran` when the handler would run again. */
function verdict(result: Awaited<ReturnType<ReturnType<typeof createVerifier>['check']>>): string {
  return result.ok ? 'ran' : `${result.status} ${result.code}`
}

describe('attack: a retry while a handler slower than leaseSeconds still runs', () => {
  it('check() with leaseSeconds 0.3 and a 1 s handler answers every retry during it 409, and 200 done after', async () => {
    const verifier = createVerifier({ provider: 'orchest', secret, replayStore: new MemoryReplayStore(), leaseSeconds: 0.3 })
    const d = await captured()
    const first = await verifier.check(d)
    expect(first.ok).toBe(true)
    const retries: string[] = []
    const started = Date.now()
    while (Date.now() - started < 1_000) {
      await sleep(120)
      retries.push(verdict(await verifier.check(d)))
    }
    if (first.ok) await first.webhook.complete()
    expect(retries.length).toBeGreaterThanOrEqual(5)
    expect(retries).toEqual(retries.map(() => '409 DUPLICATE_DELIVERY'))
    expect(verdict(await verifier.check(d))).toBe('200 DUPLICATE_DELIVERY')
  })

  it('check() keeps the claim only up to maxHoldSeconds: a handler that never ends lets the retry in after it', async () => {
    const verifier = createVerifier({
      provider: 'orchest',
      secret,
      replayStore: new MemoryReplayStore(),
      leaseSeconds: 0.2,
      maxHoldSeconds: 0.5,
    })
    const d = await captured()
    expect((await verifier.check(d)).ok).toBe(true)
    await sleep(350)
    expect(verdict(await verifier.check(d))).toBe('409 DUPLICATE_DELIVERY')
    await sleep(600)
    expect(verdict(await verifier.check(d))).toBe('ran')
  })
})

describe("attack: the first attempt's late abort deletes the second attempt's claim", () => {
  it('check() after a lapsed lease: the late abort() and complete() of the first attempt leave the second one holding the key', async () => {
    const clock = manualClock()
    // the store's clock jumps past the lease, as if the first attempt's process had hung for a minute
    const verifier = createVerifier({ provider: 'orchest', secret, replayStore: new MemoryReplayStore({ now: clock.now }) })
    const d = await captured()
    const first = await verifier.check(d)
    clock.advance(61_000)
    const second = await verifier.check(d)
    expect([first.ok, second.ok]).toEqual([true, true])
    if (!first.ok || !second.ok) return
    await first.webhook.abort()
    expect(verdict(await verifier.check(d))).toBe('409 DUPLICATE_DELIVERY')
    await first.webhook.complete()
    expect(verdict(await verifier.check(d))).toBe('409 DUPLICATE_DELIVERY')
    await second.webhook.complete()
    expect(verdict(await verifier.check(d))).toBe('200 DUPLICATE_DELIVERY')
  })

  it('MemoryReplayStore: begin, lapse, begin by a second owner, late abort by the first: no third copy', async () => {
    const clock = manualClock()
    const store = new MemoryReplayStore({ now: clock.now })
    expect(await store.begin('orchest:k', 1_000, 'first')).toBe('new')
    clock.advance(1_001)
    expect(await store.begin('orchest:k', 1_000, 'second')).toBe('new')
    await store.abort('orchest:k', 'first')
    expect(await store.begin('orchest:k', 1_000, 'third')).toBe('in-flight')
  })

  it('takeClaim() on a store of the older three-method contract still claims and settles (no renewal, no owner checks)', async () => {
    const inner = new MemoryReplayStore()
    const calls: string[] = []
    const legacy: ReplayStore = {
      begin: (key, lease) => {
        calls.push('begin')
        return inner.begin(key, lease)
      },
      complete: (key, ttl) => {
        calls.push('complete')
        return inner.complete(key, ttl)
      },
      abort: (key) => {
        calls.push('abort')
        return inner.abort(key)
      },
    }
    const taken = await takeClaim(legacy, 'github:g', { leaseMs: 60_000, ttlMs: 60_000, maxHoldMs: 900_000 })
    expect(typeof taken).toBe('object')
    if (typeof taken === 'string') return
    await taken.complete()
    await taken.complete()
    expect(calls).toEqual(['begin', 'complete'])
    expect(await takeClaim(legacy, 'github:g', { leaseMs: 60_000, ttlMs: 60_000, maxHoldMs: 900_000 })).toBe('done')
  })
})

type Op = { kind: 'begin' | 'renew' | 'complete' | 'abort'; owner: number; ms: number } | { kind: 'advance'; ms: number }

/**
 * The contract's table, written out as the reference: what each call must do to one key.
 * `undefined` is no key (or an expired one).
 */
interface ModelEntry {
  state: 'in-flight' | 'done'
  owner: number | undefined
  expires: number
}

describe('property: random interleavings of begin/renew/complete/abort by three owners on one key', () => {
  const op = fc.oneof(
    fc.record({
      kind: fc.constantFrom('begin', 'renew', 'complete', 'abort'),
      owner: fc.integer({ min: 0, max: 2 }),
      ms: fc.integer({ min: 1, max: 2_000 }),
    }),
    fc.record({ kind: fc.constant('advance'), ms: fc.integer({ min: 0, max: 1_500 }) }),
  ) as fc.Arbitrary<Op>

  it('MemoryReplayStore never lets two owners hold the key at once, and a non-owner complete()/abort() never changes its state', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60 }), async (ops) => {
        const clock = manualClock()
        const store = new MemoryReplayStore({ now: clock.now })
        let model: ModelEntry | undefined
        /** Per owner, until when it believes it holds the key (from its own begin/renew answers). */
        const heldUntil = new Map<number, number>()
        const live = () => (model !== undefined && model.expires > clock.now() ? model : undefined)
        for (const o of ops) {
          const now = clock.now()
          if (o.kind === 'advance') {
            clock.advance(o.ms)
            continue
          }
          const name = `owner-${o.owner}`
          const entry = live()
          if (o.kind === 'begin') {
            const got: BeginResult = await store.begin('k', o.ms, name)
            expect(got).toBe(entry?.state ?? 'new')
            if (got === 'new') {
              // exclusivity, from the owners' side: nobody else may still believe it holds the key
              for (const [other, until] of heldUntil) if (other !== o.owner) expect(until).toBeLessThanOrEqual(now)
              model = { state: 'in-flight', owner: o.owner, expires: now + o.ms }
              heldUntil.set(o.owner, now + o.ms)
            }
          } else if (o.kind === 'renew') {
            const ours = entry?.state === 'in-flight' && entry.owner === o.owner
            expect(await store.renew('k', o.ms, name)).toBe(ours)
            if (ours && model !== undefined) {
              model.expires = now + o.ms
              heldUntil.set(o.owner, now + o.ms)
            } else if (!ours) heldUntil.delete(o.owner)
          } else if (o.kind === 'complete') {
            await store.complete('k', o.ms, name)
            // a foreign complete leaves the model as it was; every later answer is checked against it
            const foreign = entry !== undefined && (entry.state === 'done' || entry.owner !== o.owner)
            if (!foreign) model = { state: 'done', owner: undefined, expires: now + o.ms }
            heldUntil.delete(o.owner)
          } else {
            const ours = entry?.state === 'in-flight' && entry.owner === o.owner
            await store.abort('k', name)
            if (ours) model = undefined
            heldUntil.delete(o.owner)
          }
        }
        // the store agrees with the reference at the end: a probe by a fresh owner sees the same state
        expect(await store.begin('k', 1, 'probe')).toBe(live()?.state ?? 'new')
      }),
      { numRuns: 300 },
    )
  })
})
