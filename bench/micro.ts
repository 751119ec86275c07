/**
 * Per-operation timings with mitata, one group per child process (so one group's JIT feedback
 * never slows another's): `node --import tsx bench/micro.ts <group> [--quick]`.
 * Prints one line `@@result <json>` for run.ts.
 */
import { createHmac, createSecretKey, timingSafeEqual, webcrypto } from 'node:crypto'
import { verify as octokitVerify } from '@octokit/webhooks-methods'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import Stripe from 'stripe'
import { Webhook as SvixWebhook } from 'svix'
import { load, loadBaseline } from './lib/build.js'
import { type Api, flat, jsonBody, label, lower, SECRET, SIZES, STRIPE_SECRET, stripeLike, tamperHex, WHSEC } from './lib/fixtures.js'
import { type CaseResult, compare, expecting, type Fn, type MeasureOptions } from './lib/measure.js'

const quick = process.argv.includes('--quick')
const group = process.argv[2]
// many short rounds beat a few long ones on a shared machine: the median ratio shrugs off a
// neighbour's burst that lands in one round
const opts: MeasureOptions = quick ? { rounds: 2, cpuMs: 20, minSamples: 6 } : { rounds: 5, cpuMs: 50, minSamples: 12 }

// hookproof as shipped: built like tsup builds it (see lib/build.ts)
const node = (await load<Api>('core-node')) as Api
const web = (await load<Api>('core-web')) as Api
const baseline = await loadBaseline<Api>()
const JSON_CT = { 'content-type': 'application/json' }

/** The floor: what a careful hand-written receiver does, nothing more. */
function floor(body: Buffer, header: string, key: string | ReturnType<typeof createSecretKey> = SECRET): () => boolean {
  return () => {
    const expected = Buffer.from(header.slice(7), 'hex') // after "sha256="
    const mac = createHmac('sha256', key).update(body).digest()
    return expected.length === mac.length && timingSafeEqual(mac, expected)
  }
}

async function githubFixture(api: Api, size: number) {
  const body = jsonBody(size)
  const headers: Record<string, string> = {
    ...lower(await api.sign('github', { secret: SECRET, body, id: 'f7c1a2b0-0000-4000-8000-000000000001', event: 'push' })),
    ...JSON_CT,
  }
  return { body, headers, signature: headers['x-hub-signature-256'] as string }
}

function expectTrue<F extends () => Promise<boolean>>(fn: F): F {
  return expecting(fn, (ok) => {
    if (!ok) throw new Error('the peer rejected a valid delivery')
  })
}

function expectOk<F extends () => Promise<{ ok: boolean }>>(fn: F): F {
  return expecting(fn, (r) => {
    if (!r.ok) throw new Error(`expected a verified delivery, got ${JSON.stringify(r)}`)
  })
}

/** hookproof (node:crypto) vs the floor, parse: false and default. */
async function coreGroup(api: Api, backend: 'node' | 'web') {
  const sizes: Record<string, CaseResult[]> = {}
  for (const size of SIZES) {
    const { body, headers, signature } = await githubFixture(node, size)
    const raw = api.createVerifier({ provider: 'github', secret: SECRET, parse: false })
    const parsed = api.createVerifier({ provider: 'github', secret: SECRET })
    const f = floor(body, signature)
    const cases: Record<string, Fn> = {
      floor: f,
      // the same work behind an await: what a hand-written async receiver pays, and the fair
      // baseline for an API that answers with a Promise
      'floor (awaited)': async () => f(),
      'floor + JSON.parse': () => f() && JSON.parse(body.toString('utf8')),
      [`hookproof ${backend} parse:false`]: expectOk(() => raw.check({ body, headers })),
      [`hookproof ${backend} default (JSON parse)`]: expectOk(() => parsed.check({ body, headers })),
    }
    if (backend === 'node') {
      cases['floor (KeyObject)'] = floor(body, signature, createSecretKey(Buffer.from(SECRET)))
      if (baseline !== undefined) {
        const before = baseline.createVerifier({ provider: 'github', secret: SECRET, parse: false })
        cases[`hookproof node parse:false at ${process.env.HOOKPROOF_BENCH_BASELINE}`] = expectOk(() => before.check({ body, headers }))
      }
    } else {
      const key = await webcrypto.subtle.importKey('raw', Buffer.from(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      cases['floor Web Crypto'] = async () => {
        const expected = Buffer.from(signature.slice(7), 'hex')
        const mac = new Uint8Array(await webcrypto.subtle.sign('HMAC', key, body))
        return expected.length === mac.length && timingSafeEqual(mac, expected)
      }
    }
    sizes[label(size)] = await compare(cases, 'floor', opts)
    log(`${group} ${label(size)} done`)
  }
  return sizes
}

/** Each peer on its own scheme vs hookproof on the same scheme and the same bytes. */
async function peersGroup() {
  const stripe = new Stripe('sk_test_bench')
  const sw = new StandardWebhook(WHSEC)
  const svix = new SvixWebhook(WHSEC)
  const gh = node.createVerifier({ provider: 'github', secret: SECRET, parse: false })
  const ghParsed = node.createVerifier({ provider: 'github', secret: SECRET })
  const st = node.createVerifier({ provider: stripeLike(node), secret: STRIPE_SECRET })
  const std = node.createVerifier({ provider: 'standard-webhooks', secret: WHSEC })
  const sizes: Record<string, CaseResult[]> = {}
  for (const size of SIZES) {
    const { body, headers, signature } = await githubFixture(node, size)
    const text = body.toString('utf8')
    // signed by the peers themselves, now: their own clocks check the timestamp
    const stripeHeader = flat(stripe.webhooks.generateTestHeaderString({ payload: text, secret: STRIPE_SECRET }))
    const stripeHeaders = { 'stripe-signature': stripeHeader, ...JSON_CT }
    const id = 'msg_2bench000000000000000001'
    const now = new Date()
    const swHeaders = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': flat(sw.sign(id, now, text)),
      ...JSON_CT,
    }
    const cases: Record<string, Fn> = {
      floor: floor(body, signature),
      'stripe constructEventAsync': () => stripe.webhooks.constructEventAsync(body, stripeHeader, STRIPE_SECRET),
      'hookproof stripe-like (JSON parse)': expectOk(() => st.check({ body, headers: stripeHeaders })),
      'standardwebhooks verify': () => sw.verify(body, swHeaders),
      'svix verify': () => svix.verify(body, swHeaders),
      'hookproof standard-webhooks (JSON parse)': expectOk(() => std.check({ body, headers: swHeaders })),
      // octokit takes a string: a receiver holding the raw bytes decodes them first
      'octokit verify (decode + verify)': expectTrue(() => octokitVerify(SECRET, body.toString('utf8'), signature)),
      'octokit verify (string given)': expectTrue(() => octokitVerify(SECRET, text, signature)),
      'hookproof github parse:false': expectOk(() => gh.check({ body, headers })),
      'hookproof github (JSON parse)': expectOk(() => ghParsed.check({ body, headers })),
    }
    sizes[label(size)] = await compare(cases, 'floor', opts)
    log(`${group} ${label(size)} done`)
  }
  return sizes
}

/** A wrong signature through check() vs the floor, at 256 B. */
async function rejectGroup() {
  const { body, headers, signature } = await githubFixture(node, 256)
  const wrong = { ...headers, 'x-hub-signature-256': tamperHex(signature) }
  const raw = node.createVerifier({ provider: 'github', secret: SECRET, parse: false })
  const parsed = node.createVerifier({ provider: 'github', secret: SECRET })
  const expectCode = <F extends () => Promise<{ ok: boolean; code?: string }>>(fn: F): F =>
    expecting(fn, (r) => {
      if (r.ok || r.code !== 'SIGNATURE_MISMATCH') throw new Error(`expected SIGNATURE_MISMATCH, got ${JSON.stringify(r)}`)
    })
  const thrown = (error: unknown) => error
  const cases: Record<string, Fn> = {
    floor: floor(body, signature),
    'floor, wrong signature': floor(body, tamperHex(signature)),
    'hookproof check() wrong signature, parse:false': expectCode(() => raw.check({ body, headers: wrong })),
    'hookproof check() wrong signature, default': expectCode(() => parsed.check({ body, headers: wrong })),
    'hookproof check() valid, parse:false': expectOk(() => raw.check({ body, headers })),
    'hookproof verify() wrong signature (throws)': expecting(
      () => raw.verify({ body, headers: wrong }).then(() => undefined, thrown),
      (error) => {
        if ((error as { code?: string } | undefined)?.code !== 'SIGNATURE_MISMATCH') throw new Error('expected a rejection')
      },
    ),
    'a thrown Error alone': () => {
      try {
        throw new Error('Signature mismatch')
      } catch (error) {
        return error
      }
    },
  }
  return { '256 B': await compare(cases, 'floor', { ...opts, rounds: opts.rounds + 2 }) }
}

function log(message: string) {
  process.stderr.write(`  ${message}\n`)
}

const groups: Record<string, () => Promise<Record<string, CaseResult[]>>> = {
  'core-node': () => coreGroup(node, 'node'),
  'core-web': () => coreGroup(web, 'web'),
  peers: peersGroup,
  reject: rejectGroup,
}
const run = group === undefined ? undefined : groups[group]
if (run === undefined) {
  console.error(`usage: micro.ts <${Object.keys(groups).join('|')}> [--quick]`)
  process.exit(2)
}
const sizes = await run()
console.log(`@@result ${JSON.stringify({ group, opts, sizes })}`)
