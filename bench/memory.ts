/**
 * Bytes allocated per 1 MiB verification, heap and external, hookproof vs peers.
 *
 * Run by run.ts as `node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 --import tsx
 * bench/memory.ts`: with a 64 MiB young generation a handful of verifications allocate without
 * any collection in between, so the growth of `heapUsed` and `external` (Buffers, ArrayBuffers)
 * over N calls is what those N calls allocated. A GC observer checks that no collection ran; if
 * one did, the window is retried with fewer calls. The body is allocated before the window, so
 * every byte counted is "beyond the body".
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { PerformanceObserver } from 'node:perf_hooks'
import { verify as octokitVerify } from '@octokit/webhooks-methods'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import Stripe from 'stripe'
import { Webhook as SvixWebhook } from 'svix'
import { load } from './lib/build.js'
import { type Api, flat, jsonBody, lower, MiB, SECRET, STRIPE_SECRET, stripeLike, WHSEC } from './lib/fixtures.js'
import { type Spread, spread } from './lib/measure.js'

const node = (await load<Api>('core-node')) as Api
const web = (await load<Api>('core-web')) as Api

const maybeGc = (globalThis as { gc?: () => void }).gc
if (maybeGc === undefined) throw new Error('run with --expose-gc')
const gc: () => void = maybeGc
const quick = process.argv.includes('--quick')
const REPEATS = quick ? 2 : 4

const collections: number[] = [] // start times, ms
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) collections.push(e.startTime)
}).observe({ entryTypes: ['gc'] })
const tick = () => new Promise((resolve) => setImmediate(resolve))

interface Allocation {
  name: string
  heap: Spread
  external: Spread
  total: Spread
  /** total / body size */
  perBody: Spread
  calls: number
}

async function allocation(name: string, fn: () => unknown, size: number): Promise<Allocation> {
  for (let i = 0; i < 5; i++) await fn() // warm: compiled code, imported keys, lazy tables
  const heap: number[] = []
  const external: number[] = []
  let calls = 8
  while (heap.length < REPEATS) {
    gc()
    gc()
    await tick()
    const t0 = performance.now()
    const before = process.memoryUsage()
    for (let i = 0; i < calls; i++) await fn()
    const after = process.memoryUsage()
    const t1 = performance.now()
    await tick()
    await tick()
    if (collections.some((t) => t >= t0 && t <= t1)) {
      if (calls === 1) throw new Error(`${name}: a collection ran during one call; raise the semi-space size`)
      calls = Math.max(1, calls >> 1)
      continue
    }
    heap.push((after.heapUsed - before.heapUsed) / calls)
    external.push((after.external - before.external) / calls)
  }
  const total = heap.map((h, i) => h + (external[i] as number))
  return { name, heap: spread(heap), external: spread(external), total: spread(total), perBody: spread(total.map((t) => t / size)), calls }
}

const size = MiB
const body = jsonBody(size)
const text = body.toString('utf8')
const JSON_CT = { 'content-type': 'application/json' }
const gh: Record<string, string> = {
  ...lower(await node.sign('github', { secret: SECRET, body, id: 'f7c1a2b0-0000-4000-8000-000000000001', event: 'push' })),
  ...JSON_CT,
}
const signature = gh['x-hub-signature-256'] as string
const stripe = new Stripe('sk_test_bench')
const stripeHeader = flat(stripe.webhooks.generateTestHeaderString({ payload: text, secret: STRIPE_SECRET }))
const sw = new StandardWebhook(WHSEC)
const svix = new SvixWebhook(WHSEC)
const now = new Date()
const swHeaders = {
  'webhook-id': 'msg_2bench000000000000000001',
  'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
  'webhook-signature': flat(sw.sign('msg_2bench000000000000000001', now, text)),
  ...JSON_CT,
}
const ok = (r: { ok: boolean }) => {
  if (!r.ok) throw new Error(JSON.stringify(r))
}
const nodeRaw = node.createVerifier({ provider: 'github', secret: SECRET, parse: false })
const nodeParsed = node.createVerifier({ provider: 'github', secret: SECRET })
const webRaw = web.createVerifier({ provider: 'github', secret: SECRET, parse: false })
const webParsed = web.createVerifier({ provider: 'github', secret: SECRET })
const stripeLikeV = node.createVerifier({ provider: stripeLike(node), secret: STRIPE_SECRET })
const stdV = node.createVerifier({ provider: 'standard-webhooks', secret: WHSEC })

const cases: Array<[string, () => unknown]> = [
  [
    'floor (createHmac + timingSafeEqual)',
    () => {
      const expected = Buffer.from(signature.slice(7), 'hex')
      const mac = createHmac('sha256', SECRET).update(body).digest()
      return timingSafeEqual(mac, expected)
    },
  ],
  ['hookproof node parse:false', async () => ok(await nodeRaw.check({ body, headers: gh }))],
  ['hookproof web parse:false', async () => ok(await webRaw.check({ body, headers: gh }))],
  ['hookproof node default (JSON parse)', async () => ok(await nodeParsed.check({ body, headers: gh }))],
  ['hookproof web default (JSON parse)', async () => ok(await webParsed.check({ body, headers: gh }))],
  [
    'hookproof stripe-like (JSON parse)',
    async () => ok(await stripeLikeV.check({ body, headers: { 'stripe-signature': stripeHeader, ...JSON_CT } })),
  ],
  ['stripe constructEventAsync', () => stripe.webhooks.constructEventAsync(body, stripeHeader, STRIPE_SECRET)],
  ['hookproof standard-webhooks (JSON parse)', async () => ok(await stdV.check({ body, headers: swHeaders }))],
  ['standardwebhooks verify', () => sw.verify(body, swHeaders)],
  ['svix verify', () => svix.verify(body, swHeaders)],
  ['octokit verify (decode + verify)', () => octokitVerify(SECRET, body.toString('utf8'), signature)],
]

const results: Allocation[] = []
for (const [name, fn] of cases) {
  results.push(await allocation(name, fn, size))
  process.stderr.write(`  memory ${name} done\n`)
}
console.log(`@@result ${JSON.stringify({ group: 'memory', size, repeats: REPEATS, results })}`)
