import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nodeCrypto } from '../src/crypto/node.js'
import type { CryptoBackend, Part } from '../src/crypto/types.js'
import { DIAGNOSE_BODY_LIMIT, DIAGNOSE_MAX_MACS } from '../src/hints.js'
import type { LambdaHttpEvent } from '../src/index.js'
import { parsePayload } from '../src/payload.js'
import { formFields } from '../src/payload-form.js'
import type { Provider } from '../src/provider.js'
import { type ProviderName, providers as registry } from '../src/providers/index.js'
import { registry as table } from '../src/registry.js'
import { verifierFactory } from '../src/verify.js'
import { backends } from './backends.js'

// Every limit applies before the work it bounds: the body size before the body is buffered,
// parsers in linear time, explain() within a fixed number of MACs over a capped size.

const PING_SIG = '013a0a24404eb66602371fcd644128bdcad404afc5a6cf1c333366472ee7b330'
const MiB = 1024 * 1024
const CHUNK = 64 * 1024

/** A 64 MiB upload produced lazily, counting what the reader pulled and whether it cancelled. */
function hugeUpload(total = 64 * MiB) {
  const seen = { pulled: 0, cancelled: false }
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (seen.pulled >= total) return controller.close()
        seen.pulled += CHUNK
        controller.enqueue(new Uint8Array(CHUNK))
      },
      cancel() {
        seen.cancelled = true
      },
    },
    { highWaterMark: 0 },
  )
  return { stream, seen }
}

/** The fastest of five runs after a warm-up: other processes and GC only ever add time. */
function timeOf(fn: () => void): number {
  fn()
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < 5; i++) {
    const start = performance.now()
    fn()
    best = Math.min(best, performance.now() - start)
  }
  return best
}

describe.each(backends)('attack: limits before work (%s)', (_name, api) => {
  const orchest = { provider: 'orchest', secret: 'test-secret-1' } as const

  it('a 64 MiB chunked body without Content-Length is BODY_TOO_LARGE after reading at most limit + one chunk (Node Request)', async () => {
    const { stream, seen } = hugeUpload()
    const request = new Request('https://hooks.example.com/', {
      method: 'POST',
      body: stream,
      headers: { 'x-hub-signature': PING_SIG },
      duplex: 'half',
    } as RequestInit)
    const result = await api.checkRequest(request, orchest, { limit: MiB })
    expect(result).toMatchObject({ ok: false, code: 'BODY_TOO_LARGE', status: 413 })
    // undici may hold one chunk in its own queue: the limit plus two chunks at most, never 64 MiB
    expect(seen.pulled).toBeLessThanOrEqual(MiB + 2 * CHUNK)
    await new Promise((r) => setTimeout(r, 10))
    expect(seen.cancelled).toBe(true)
  })

  it('the same upload through a bare RequestLike stream reads exactly up to the first chunk past the limit', async () => {
    const { stream, seen } = hugeUpload()
    const request = {
      method: 'POST',
      url: 'https://hooks.example.com/',
      headers: new Headers({ 'x-hub-signature': PING_SIG }),
      bodyUsed: false,
      body: stream,
      arrayBuffer: async () => {
        throw new Error('the adapter must not buffer the whole body')
      },
    }
    const error = await api.verifyRequest(request, orchest, { limit: MiB }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(api.WebhookVerificationError)
    expect((error as { code: string }).code).toBe('BODY_TOO_LARGE')
    expect(seen.pulled).toBeLessThanOrEqual(MiB + CHUNK)
    expect(seen.cancelled).toBe(true)
  })

  it('property: a body at or under the limit is read whole and verified; one byte over is BODY_TOO_LARGE', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { maxLength: 8 }), fc.nat(2400), async (chunks, limit) => {
        const size = chunks.reduce((n, c) => n + c.length, 0)
        const whole = new Uint8Array(size)
        let at = 0
        for (const c of chunks) {
          whole.set(c, at)
          at += c.length
        }
        const headers = await api.sign('designer-cloud', { secret: 's', body: whole, now: 1_700_000_000_000 })
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (const c of chunks) controller.enqueue(c)
            controller.close()
          },
        })
        const request = new Request('https://hooks.example.com/', { method: 'POST', body: stream, headers, duplex: 'half' } as RequestInit)
        const r = await api.checkRequest(request, { provider: 'designer-cloud', secret: 's', now: () => 1_700_000_000_000 }, { limit })
        if (size > limit) expect(r).toMatchObject({ ok: false, code: 'BODY_TOO_LARGE' })
        else {
          expect(r.ok).toBe(true)
          if (r.ok) expect([...r.webhook.rawBody]).toEqual([...whole])
        }
      }),
      { numRuns: 80 },
    )
  })
})

describe('attack: parsers in linear time', () => {
  // the same bytes in one input 10x larger or in 10 inputs: linear costs about the same (ratio ~1),
  // the old quadratic copy 10x; comparing equal amounts of work keeps a loaded machine's noise out
  // of the ratio (the old code took 44 s for a 240 KB form, so it cannot pass)
  it('a form with 100k repeated keys parses, and 10x the keys costs about 10x the time (not 100x)', () => {
    // the form reader itself (parsePayload hands a form body's text to it)
    const form = (n: number) => new TextDecoder().decode(new TextEncoder().encode('a=1&'.repeat(n)))
    const small = form(10_000)
    const large = form(100_000)
    const parsed = formFields(large, false)
    expect(parsed.ok && (parsed.value as { a: string[] }).a.length).toBe(100_000)
    const ratio =
      timeOf(() => formFields(large, true)) /
      Math.max(
        timeOf(() => {
          for (let i = 0; i < 10; i++) formFields(small, true)
        }),
        0.05,
      )
    // linear measures ~1-2x (the large arrays cost the collector more: 4.07 once under a load of 5
    // on 2 cores); quadratic is 10x that, so 6 still tells them apart
    expect(ratio).toBeLessThan(6)
  })

  it('a Lambda REST event with 100k copies of one header in multiValueHeaders is read in linear time', async () => {
    const { checkLambdaEvent } = backends[0][1]
    const event = (n: number) =>
      ({
        httpMethod: 'POST',
        path: '/',
        headers: {},
        multiValueHeaders: { 'X-Hub-Signature': Array.from({ length: n }, () => PING_SIG), 'x-hub-SIGNATURE': [PING_SIG] },
        body: '{}',
      }) as unknown as LambdaHttpEvent
    const options = { provider: 'orchest', secret: 's' } as const
    const time = async (n: number) => {
      const e = event(n)
      const start = performance.now()
      const r = await checkLambdaEvent(e, options)
      expect(r).toMatchObject({ ok: false, code: 'MALFORMED_SIGNATURE' })
      expect(r.ok ? '' : r.message).toContain(`sent ${n + 1} times`)
      return performance.now() - start
    }
    const best = async (runs: number, n: number) => {
      let least = Number.POSITIVE_INFINITY
      for (let round = 0; round < 3; round++) {
        let total = 0
        for (let i = 0; i < runs; i++) total += await time(n)
        least = Math.min(least, total)
      }
      return least
    }
    await time(1000) // warm up
    // one event with 100k copies against ten with 10k: linear ~1x (measured 1–3.5x: the large
    // arrays cost the collector more), quadratic ~10x that (see the form case above)
    const ratio = (await best(1, 100_000)) / Math.max(await best(10, 10_000), 0.05)
    expect(ratio).toBeLessThan(8)
  })

  it('a header record with 8192 spellings of X-Hub-Signature is one linear pass: "sent 8192 times"', async () => {
    const headers: Record<string, string> = {}
    const name = 'x-hub-signature'
    const letters = [...name].map((c, i) => ({ c, i })).filter(({ c }) => c !== '-')
    for (let mask = 0; mask < 2 ** letters.length; mask++) {
      const chars = [...name]
      letters.forEach(({ c, i }, bit) => {
        chars[i] = mask & (1 << bit) ? c.toUpperCase() : c
      })
      headers[chars.join('')] = PING_SIG
    }
    expect(Object.keys(headers)).toHaveLength(2 ** 13)
    const r = await backends[0][1].check({ body: '{}', headers }, { provider: 'orchest', secret: 's' })
    expect(r).toMatchObject({ ok: false, code: 'MALFORMED_SIGNATURE' })
    expect(r.ok ? '' : r.message).toContain(`sent ${2 ** 13} times`)
  })

  it('property: form parsing is unchanged: every key once, repeated keys as arrays in order', async () => {
    const key = fc.oneof(fc.constantFrom('a', 'b', '__proto__', 'constructor', 'toString', ''), fc.string({ maxLength: 6 }))
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(key, fc.string({ maxLength: 8 })), { maxLength: 40 }), fc.boolean(), async (pairs, json) => {
        const values = json ? pairs.map(([k, v]) => [k, JSON.stringify(v)] as const) : pairs
        const text = new URLSearchParams(values.map(([k, v]) => [k, v])).toString()
        const parsed = await parsePayload(new TextEncoder().encode(text), 'application/x-www-form-urlencoded', json)
        // the oracle: group in a Map, one value stays a scalar
        const grouped = new Map<string, unknown[]>()
        for (const [k, v] of pairs) grouped.set(k, [...(grouped.get(k) ?? []), v])
        const expected = [...grouped].map(([k, vs]) => [k, vs.length === 1 ? vs[0] : vs])
        if (text === '') {
          expect(parsed).toEqual({ ok: true, value: undefined })
          return
        }
        expect(parsed.ok).toBe(true)
        const fields = (parsed as { value: Record<string, unknown> }).value
        expect(Object.getPrototypeOf(fields)).toBe(Object.prototype)
        // integer-like keys come first in any JS object: compare as sets of entries
        const byKey = (a: unknown[], b: unknown[]) => (String(a[0]) < String(b[0]) ? -1 : 1)
        expect(Object.entries(fields).sort(byKey)).toEqual(expected.sort(byKey))
      }),
      { numRuns: 300 },
    )
  })
})

/** node:crypto with a count of MACs and digests and the largest input any of them hashed. */
function spyBackend() {
  const seen = { macs: 0, largest: 0 }
  const size = (parts: readonly Part[]) => parts.reduce((n, p) => n + (typeof p === 'string' ? Buffer.byteLength(p) : p.length), 0)
  const backend: CryptoBackend = {
    ...nodeCrypto,
    hmac(hash, key, parts) {
      seen.macs++
      seen.largest = Math.max(seen.largest, size(parts))
      return nodeCrypto.hmac(hash, key, parts)
    },
    digest(hash, parts) {
      seen.macs++
      seen.largest = Math.max(seen.largest, size(parts))
      return nodeCrypto.digest(hash, parts)
    },
  }
  return { backend, seen, reset: () => Object.assign(seen, { macs: 0, largest: 0 }) }
}

describe('attack: explain() within a fixed cost', () => {
  const secret = 'test-secret-1'

  it('a 100k-deep array body resolves to hints (the Python re-serialiser no longer overflows the stack)', async () => {
    const { backend } = spyBackend()
    const verifier = verifierFactory(backend, table)({ provider: 'orchest', secret })
    const body = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    const r = await verifier.check({ body, headers: { 'x-hub-signature': PING_SIG, 'content-type': 'application/json' } })
    expect(r).toMatchObject({ ok: false, code: 'SIGNATURE_MISMATCH' })
    const error = backends[0][1].WebhookVerificationError.from(r as never)
    const hints = await error.explain()
    expect(Array.isArray(hints)).toBe(true)
    // the hints after the body hints are still there: nothing threw half way
    expect(hints.join('\n')).toContain('Orchest signs with a generated secret')
  })

  it('a 4.5 MiB forged body: explain() computes at most DIAGNOSE_MAX_MACS MACs, none over the size cap, and says why', async () => {
    const { backend, seen, reset } = spyBackend()
    const secrets = [' a ', ' b ', '"c"', 'd\n', 'e']
    const verifier = verifierFactory(backend, table)({ provider: 'orchest', secrets })
    const body = JSON.stringify({ data: 'x'.repeat(4.5 * MiB) })
    const r = await verifier.check({ body, headers: { 'x-hub-signature': PING_SIG, 'content-type': 'application/json' } })
    expect(r.ok).toBe(false)
    reset()
    const hints = await backends[0][1].WebhookVerificationError.from(r as never).explain()
    expect(seen.macs).toBeLessThanOrEqual(DIAGNOSE_MAX_MACS)
    expect(seen.largest).toBeLessThanOrEqual(DIAGNOSE_BODY_LIMIT + 8192)
    expect(hints.join('\n')).toContain(`above the ${DIAGNOSE_BODY_LIMIT} bytes explain() re-signs`)
  })

  it('forty secrets with whitespace and a small body: still at most DIAGNOSE_MAX_MACS MACs', async () => {
    const { backend, seen, reset } = spyBackend()
    const verifier = verifierFactory(backend, table)({ provider: 'orchest', secrets: Array.from({ length: 40 }, (_, i) => ` s${i} `) })
    const r = await verifier.check({ body: '{"a": 1}', headers: { 'x-hub-signature': PING_SIG, 'content-type': 'application/json' } })
    reset()
    await backends[0][1].WebhookVerificationError.from(r as never).explain()
    expect(seen.macs).toBeLessThanOrEqual(DIAGNOSE_MAX_MACS)
  })

  it('explain() is computed once per error, however often a logger asks', async () => {
    const { backend, seen, reset } = spyBackend()
    const verifier = verifierFactory(backend, table)({ provider: 'orchest', secret: ` ${secret} ` })
    const r = await verifier.check({ body: '{"a": 1}', headers: { 'x-hub-signature': PING_SIG } })
    reset()
    const error = backends[0][1].WebhookVerificationError.from(r as never)
    const first = await error.explain()
    const macs = seen.macs
    expect(await error.explain()).toEqual(first)
    expect(seen.macs).toBe(macs)
  })

  it('property: explain() resolves to a string[] for arbitrary bodies and headers, within the MAC budget', async () => {
    const { backend, seen, reset } = spyBackend()
    // every row of the registry, each with two secrets (padded text, or the row's own secret form)
    const verifier = verifierFactory(
      backend,
      table,
    )({
      providers: Object.values(registry as Record<string, Provider>).map((row) => ({
        provider: row.name as ProviderName,
        secrets: row.secretExample === undefined ? [' k ', 'k2'] : [row.secretExample],
      })),
      allowLegacySha1: true,
    })
    const names = [
      'x-hub-signature',
      'x-hub-signature-256',
      'x-y42-signature',
      'x-webhook-signature',
      'x-hook-signature',
      'signature',
      'signature-input',
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
      'content-type',
      'date',
      'content-digest',
    ]
    const value = fc.oneof(
      fc.string({ maxLength: 100 }),
      fc.stringMatching(/^t=[0-9]{0,14},sha256=[0-9a-f]{64}$/),
      fc.stringMatching(/^[0-9a-f]{40}$|^[0-9a-f]{64}$|^sha256=[0-9a-f]{64}$/),
      fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain'),
      fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
    )
    const jsonish = fc.oneof(
      fc.json({ maxDepth: 6 }),
      fc.nat(3000).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
      fc.nat(3000).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 12 })), value, { maxKeys: 6 }),
        fc.oneof(jsonish, fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 })),
        async (headers, body) => {
          const r = await verifier.check({ body, headers: headers as Record<string, string>, method: 'POST', url: 'https://x/y' })
          if (r.ok) return
          reset()
          const hints = await backends[0][1].WebhookVerificationError.from(r).explain()
          expect(Array.isArray(hints) && hints.every((h) => typeof h === 'string')).toBe(true)
          expect(seen.macs).toBeLessThanOrEqual(DIAGNOSE_MAX_MACS)
        },
      ),
      { numRuns: 200 },
    )
  })
})
