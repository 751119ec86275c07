/**
 * The proof that nothing is lost or processed twice across receiver instances.
 *
 * Two Express receivers (ioredis) and two Koa receivers (node-redis) run as real child processes
 * (test/fixtures/receiver.ts) on 127.0.0.1 and share one real redis-server through
 * RedisReplayStore. Each handler appends `provider id pid` to one shared log; the test reads it.
 * The mock sender signs real deliveries of five providers and sends them over real HTTP with a
 * retry on every non-2xx answer, each retry to the next instance, like a load balancer would.
 *
 * 1. 2,000 deliveries, 20% of them sent twice (half as concurrent copies to two different
 *    instances at the same moment, half again after the first was acknowledged), 5% failing their
 *    first attempt: each is logged exactly once, by the instance that answered 204.
 * 2. A receiver SIGKILLed in the middle of a handler: after the lease runs out, the retry is
 *    processed once by another instance.
 * 3. Redis stopped mid-run: receivers answer 503 STORE_UNAVAILABLE with Retry-After, nothing is
 *    acknowledged that is not in the log, and after Redis returns the retries complete the set.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { closeSync, existsSync, fstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  createDelivery,
  EVENT_TYPES,
  type FetchLike,
  type SendAttempt,
  type SignedDelivery,
  send,
  signDelivery,
} from '@hookproof/mock-sender'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BLOCK_PREFIX, failsFirst, markerName, PROOF_PROVIDERS, PROOF_SECRETS, type ProofProvider } from './fixtures/rules.js'
import { INSTALL_COMMAND, type RedisServer, redisServerAvailable, startRedisServer } from './redis-server.js'

const available = redisServerAvailable()
const ci = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase())

if (!available) {
  const message = `redis-server is not installed, so the multi-instance proof of @hookproof/redis cannot run. Install it with: ${INSTALL_COMMAND}`
  const bar = '!'.repeat(100)
  if (ci) {
    console.error(`\n${bar}\n!!! FAILING (CI=true): ${message}\n${bar}\n`)
    describe('the multi-instance proof', () => {
      it(`needs redis-server when CI=true (${INSTALL_COMMAND})`, () => {
        throw new Error(message)
      })
    })
  } else {
    console.warn(`\n${bar}\n!!! SKIPPED: ${message}\n${bar}\n`)
  }
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const RECEIVER = fileURLToPath(new URL('./fixtures/receiver.ts', import.meta.url))

const EVENTS = 2_000
const DUPLICATE_SHARE = 0.2
const CONCURRENCY = 16
/** Short, so the SIGKILL case waits seconds, not the default minute. */
const LEASE_SECONDS = 3
/** The sender's wait between attempts: far below the Retry-After asked for, to keep the run short. */
const RETRY_DELAY_MS = 150
const MAX_ATTEMPTS = 200

type Kind = 'express' | 'koa'

interface Instance {
  readonly name: string
  readonly kind: Kind
  readonly port: number
  readonly pid: number
  readonly child: ChildProcess
  readonly stderr: string[]
  alive: boolean
}

/** One attempt as the sender saw it, with the instance it went to. */
interface Attempt {
  readonly instance: Instance | undefined
  readonly status: number | undefined
  /** The `code` of a problem+json or duplicate answer. */
  readonly code: string | undefined
  readonly retryAfter: string | undefined
  readonly startedAt: number
  readonly endedAt: number
  readonly error: string | undefined
  /** For a 2xx: whether the delivery was in the log when the answer arrived. */
  readonly inLogAtAck: boolean | undefined
}

interface Delivery {
  readonly provider: ProofProvider
  /** The id receivers log: the delivery id, or Y42's signature. */
  readonly id: string
  readonly signed: SignedDelivery
  /** One entry per copy sent; each copy is a list of attempts. */
  readonly copies: Attempt[][]
}

const children = new Set<ChildProcess>()
/** Every receiver pid this run started, checked for survivors at the end. */
const spawned = new Set<number>()
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

function problemCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code
    return typeof code === 'string' ? code : undefined
  } catch {
    return undefined
  }
}

async function spawnReceiver(name: string, kind: Kind, env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', RECEIVER], {
    cwd: ROOT,
    // tsx maps @hookproof/* to the sources through the root tsconfig.json paths
    env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'), PROOF_KIND: kind, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  children.add(child)
  if (child.pid !== undefined) spawned.add(child.pid)
  child.once('exit', () => children.delete(child))
  const stderr: string[] = []
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()))
  const ready = await new Promise<{ port: number; pid: number; resolved: string[] }>((resolve, reject) => {
    let buffer = ''
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 30 s: ${stderr.join('')}`)), 30_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      const line = buffer.split('\n').find((l) => l.startsWith('{'))
      if (line === undefined) return
      clearTimeout(timer)
      resolve(JSON.parse(line))
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited at start (${code ?? signal}): ${stderr.join('')}`))
    })
  })
  // a reader can trust the figures only if the receivers ran this repository's sources
  for (const path of ready.resolved) expect(path).toMatch(/\/packages\/(core|express|koa|redis)\/src\//)
  const instance: Instance = { name, kind, port: ready.port, pid: ready.pid, child, stderr, alive: true }
  child.once('exit', () => {
    instance.alive = false
  })
  return instance
}

async function killHard(instance: Instance): Promise<void> {
  if (instance.child.exitCode !== null || instance.child.signalCode !== null) return
  const exited = once(instance.child, 'exit')
  instance.child.kill('SIGKILL')
  await exited
}

/**
 * The shared log as the test sees it: which process handled which delivery. `refresh()` reads
 * only what was appended since the last call, so it is cheap enough to run at every 2xx.
 */
class HandledLog {
  readonly entries = new Map<string, { provider: string; pids: number[] }>()
  #offset = 0
  #partial = ''

  constructor(readonly path: string) {}

  refresh(): Map<string, { provider: string; pids: number[] }> {
    const fd = openSync(this.path, 'r')
    try {
      const size = fstatSync(fd).size
      if (size <= this.#offset) return this.entries
      const chunk = Buffer.alloc(size - this.#offset)
      readSync(fd, chunk, 0, chunk.length, this.#offset)
      this.#offset = size
      const lines = (this.#partial + chunk.toString('utf8')).split('\n')
      this.#partial = lines.pop() ?? '' // a line still being written
      for (const line of lines) {
        const [provider, id, pid] = line.split(' ') as [string, string, string]
        const entry = this.entries.get(id) ?? { provider, pids: [] }
        entry.pids.push(Number(pid))
        this.entries.set(id, entry)
      }
      return this.entries
    } finally {
      closeSync(fd)
    }
  }
}

function eventFor(provider: ProofProvider, n: number): string {
  const events = EVENT_TYPES[provider]
  return events[n % events.length] as string
}

async function makeDelivery(provider: ProofProvider, n: number, id?: string): Promise<Delivery> {
  const unsigned = createDelivery(provider, {
    event: eventFor(provider, n),
    ...(id === undefined ? {} : provider === 'standard-webhooks' ? { id } : { deliveryId: id }),
  })
  const signed = await signDelivery(unsigned, { secret: PROOF_SECRETS[provider] })
  // Y42 sends no delivery id: its replay key is the verified MAC (the first 16 bytes, as hex)
  const key = signed.deliveryId ?? (signed.headers['X-Y42-Signature'] as string).slice('sha256='.length, 'sha256='.length + 32)
  return { provider, id: key, signed, copies: [] }
}

/** Totals over the three cases, printed at the end. */
const figures = {
  deliveries: 0,
  copies: 0,
  requests: 0,
  processed204: 0,
  duplicateAcks200: 0,
  inFlight409: 0,
  firstAttemptFailures500: 0,
  storeUnavailable503: 0,
  connectionErrors: 0,
  retries: 0,
}

function count(attempt: Attempt, index: number): void {
  figures.requests++
  if (index > 0) figures.retries++
  if (attempt.status === 204) figures.processed204++
  else if (attempt.status === 200) figures.duplicateAcks200++
  else if (attempt.status === 409) figures.inFlight409++
  else if (attempt.status === 500) figures.firstAttemptFailures500++
  else if (attempt.status === 503) figures.storeUnavailable503++
  else if (attempt.status === undefined) figures.connectionErrors++
}

describe.skipIf(!available)('the proof: four receiver processes, one Redis, each delivery processed exactly once', () => {
  let redis: RedisServer
  let dir: string
  let logFile: string
  let handled: HandledLog
  let markers: string
  const pool: Instance[] = []
  let nextStart = 0
  let failed = false

  const receiverEnv = () => ({
    PROOF_REDIS_PORT: String(redis.port),
    PROOF_LOG: logFile,
    PROOF_MARKERS: markers,
    PROOF_LEASE_SECONDS: String(LEASE_SECONDS),
  })

  /**
   * Sends one copy with the mock sender's `send` and its retry policy. The `fetch` it is given is
   * the load balancer: attempt n goes to the n-th live instance after `start`, so a retry lands
   * on another instance than the attempt before it.
   */
  async function sendCopy(delivery: Delivery, start: number, onAck?: (attempt: Attempt) => void): Promise<Attempt[]> {
    const picks: (Instance | undefined)[] = []
    let turn = start
    const balancer: FetchLike = (url, init) => {
      const live = pool.filter((i) => i.alive)
      const instance = live[turn++ % live.length]
      picks.push(instance)
      if (instance === undefined) return Promise.reject(new Error('no live receiver'))
      return fetch(`http://127.0.0.1:${instance.port}${new URL(url).pathname}`, init)
    }
    const attempts: Attempt[] = []
    delivery.copies.push(attempts)
    figures.copies++
    const toAttempt = (a: SendAttempt): Attempt => ({
      instance: picks[a.attempt - 1],
      status: a.status,
      code: a.status === undefined ? undefined : problemCode(a.body),
      retryAfter: a.headers['retry-after'],
      startedAt: a.at,
      endedAt: a.at + a.durationMs,
      error: a.error?.message,
      // the handler logs before it answers 204, and a 200 means an earlier attempt did
      inLogAtAck: a.ok ? handled.refresh().has(delivery.id) : undefined,
    })
    await send(delivery.signed, {
      url: `http://receivers.test/webhooks/${delivery.provider}`,
      fetch: balancer,
      retry: { retries: MAX_ATTEMPTS - 1, delayMs: RETRY_DELAY_MS },
      timeoutMs: 10_000,
      onAttempt: (a) => {
        const attempt = toAttempt(a)
        count(attempt, attempts.length)
        attempts.push(attempt)
        if (a.ok) onAck?.(attempt)
      },
    })
    return attempts
  }

  async function runPool(jobs: (() => Promise<unknown>)[], concurrency: number): Promise<void> {
    let next = 0
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++] as () => Promise<unknown>
        await job()
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
  }

  const processedBy = (delivery: Delivery) => delivery.copies.flat().filter((a) => a.status === 204)

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookproof-proof-'))
    logFile = join(dir, 'handled.log')
    markers = join(dir, 'markers')
    mkdirSync(markers)
    writeFileSync(logFile, '')
    handled = new HandledLog(logFile)
    redis = await startRedisServer()
    const started = await Promise.all([
      spawnReceiver('express-1', 'express', receiverEnv()),
      spawnReceiver('koa-1', 'koa', receiverEnv()),
      spawnReceiver('express-2', 'express', receiverEnv()),
      spawnReceiver('koa-2', 'koa', receiverEnv()),
    ])
    pool.push(...started)
  }, 60_000)

  afterAll(async () => {
    if (failed) {
      for (const instance of pool) {
        const err = instance.stderr.join('').trim()
        if (err !== '') console.error(`--- stderr of ${instance.name} (pid ${instance.pid}):\n${err.slice(-4000)}`)
      }
    }
    await Promise.all(pool.map(killHard))
    for (const child of children) child.kill('SIGKILL')
    await redis?.stop()
    // only this run's processes: other runs may be going on beside it
    const orphans = [...spawned].filter((pid) => {
      try {
        process.kill(pid, 0)
        return true
      } catch {
        return false
      }
    })
    if (dir !== undefined && !failed) rmSync(dir, { recursive: true, force: true })
    else if (dir !== undefined) console.error(`proof: log and markers kept in ${dir}`)
    expect(orphans, 'receiver processes left behind').toEqual([])
  }, 30_000)

  it(`delivers ${EVENTS} events with ${DUPLICATE_SHARE * 100}% duplicates and 5% failing first attempts; each is handled exactly once`, async () => {
    try {
      const deliveries: Delivery[] = []
      for (let n = 0; n < EVENTS; n++) {
        deliveries.push(await makeDelivery(PROOF_PROVIDERS[n % PROOF_PROVIDERS.length] as ProofProvider, n))
      }
      figures.deliveries += deliveries.length
      // deterministic choice: every 5th delivery (20%) is sent twice, alternately at once and later
      const duplicated = deliveries.filter((_, n) => n % Math.round(1 / DUPLICATE_SHARE) === 2)
      const concurrent = new Set(duplicated.filter((_, n) => n % 2 === 0))
      const late = duplicated.filter((d) => !concurrent.has(d))

      const firstPass = deliveries.map((delivery) => {
        const start = nextStart
        nextStart += concurrent.has(delivery) ? 2 : 1
        if (!concurrent.has(delivery)) return () => sendCopy(delivery, start)
        // both copies leave in the same tick, to consecutive (so different) instances
        return () => Promise.all([sendCopy(delivery, start), sendCopy(delivery, start + 1)])
      })
      const secondPass = late.map((delivery) => {
        const start = nextStart++
        return () => sendCopy(delivery, start)
      })

      const requestsBefore = figures.requests
      const began = performance.now()
      await runPool(firstPass, CONCURRENCY)
      await runPool(secondPass, CONCURRENCY)
      const seconds = (performance.now() - began) / 1000
      const requests = figures.requests - requestsBefore

      const log = handled.refresh()
      const all = deliveries.map((d) => d.copies).flat(2)
      console.log(
        `proof, ${EVENTS} events: ${requests} requests in ${seconds.toFixed(1)} s = ${Math.round(requests / seconds)} req/s; ` +
          `${all.filter((a) => a.status === 204).length} processed (204), ` +
          `${all.filter((a) => a.status === 200).length} duplicates acknowledged (200), ` +
          `${all.filter((a) => a.status === 409).length} in flight (409), ` +
          `${all.filter((a) => a.status === 500).length} failed first attempts (500), ` +
          `${all.filter((a) => a.status === 503).length} store unavailable (503), ` +
          `${duplicated.length} duplicated deliveries (${concurrent.size} concurrent pairs, ${late.length} sent again later)`,
      )

      // every copy ended acknowledged (2xx)
      const unacknowledged = deliveries.flatMap((d) =>
        d.copies
          .filter((c) => c.at(-1)?.status === undefined || (c.at(-1)?.status as number) >= 300)
          .map((c) => `${d.provider} ${d.id}: ${c.map((a) => a.status ?? a.error).join(' ')}`),
      )
      expect(unacknowledged, 'copies never acknowledged').toEqual([])
      // the log holds exactly these deliveries, each once
      expect(log.size).toBe(EVENTS)
      const twice = [...log].filter(([, e]) => e.pids.length !== 1).map(([id, e]) => `${e.provider} ${id} by ${e.pids.join(', ')}`)
      expect(twice, 'deliveries logged more than once').toEqual([])
      for (const delivery of deliveries) {
        const entry = log.get(delivery.id)
        expect(entry, `${delivery.provider} ${delivery.id} is not in the log`).toBeDefined()
        expect(entry?.provider).toBe(delivery.provider)
        // exactly one attempt ran the handler to 204, and its instance is the one that logged it
        const processed = processedBy(delivery)
        expect(processed).toHaveLength(1)
        expect(entry?.pids).toEqual([processed[0]?.instance?.pid])
        const attempts = delivery.copies.flat()
        // a failing first attempt is answered 500 once, and its retry processed
        expect(attempts.filter((a) => a.status === 500)).toHaveLength(failsFirst(delivery.id) ? 1 : 0)
        for (const a of attempts) {
          if (a.status === 200) expect(a.code).toBe('DUPLICATE_DELIVERY')
          if (a.status === 409) {
            expect(a.code).toBe('DUPLICATE_DELIVERY')
            expect(Number(a.retryAfter)).toBeGreaterThan(0)
          }
          if (a.status === 503) expect(a.code).toBe('STORE_UNAVAILABLE') // only if Redis stalled over timeoutMs
          expect([200, 204, 409, 500, 503]).toContain(a.status)
          if (a.status === 200 || a.status === 204) expect(a.inLogAtAck, 'acknowledged before it was logged').toBe(true)
        }
      }
      const failing = deliveries.filter((d) => failsFirst(d.id))
      expect(failing.length).toBeGreaterThan(EVENTS * 0.03)
      expect(failing.length).toBeLessThan(EVENTS * 0.07)
      for (const d of failing) expect(existsSync(join(markers, markerName('failed', d.id)))).toBe(true)
      // concurrent copies left for two different instances
      for (const d of concurrent) expect(d.copies[0]?.[0]?.instance).not.toBe(d.copies[1]?.[0]?.instance)
      // a later copy of a processed delivery is acknowledged without running the handler
      for (const d of late) expect(d.copies[1]?.map((a) => a.status)).toEqual([200])
      // the concurrent copies met: some second copies found the first in flight
      expect(all.filter((a) => a.status === 409).length).toBeGreaterThan(0)
      // every instance, Express and Koa, did a real share of the work
      for (const instance of pool) {
        const handled = [...log.values()].filter((e) => e.pids[0] === instance.pid).length
        expect(handled, `${instance.name} handled ${handled}`).toBeGreaterThan(EVENTS * 0.1)
      }
    } catch (error) {
      failed = true
      throw error
    }
  }, 120_000)

  it('a receiver SIGKILLed in the middle of a handler: after the lease expires the retry is processed once on another instance', async () => {
    try {
      const delivery = await makeDelivery('orchest', 0, `${BLOCK_PREFIX}${crypto.randomUUID()}`)
      figures.deliveries++
      const victim = pool[0] as Instance
      const marker = join(markers, markerName('blocked', delivery.id))
      const sending = sendCopy(delivery, pool.indexOf(victim))
      // wait until the victim's handler holds the delivery (it writes its pid into the marker)
      const deadline = Date.now() + 10_000
      while (!(existsSync(marker) && readFileSync(marker, 'utf8') !== '')) {
        if (Date.now() > deadline) throw new Error('the blocking handler never started')
        await new Promise((r) => setTimeout(r, 10))
      }
      expect(Number(readFileSync(marker, 'utf8'))).toBe(victim.pid)
      const killedAt = Date.now()
      await killHard(victim)
      const attempts = await sending
      const log = handled.refresh()

      const statuses = attempts.map((a) => a.status)
      console.log(
        `proof, SIGKILL: ${attempts.length} attempts (${statuses.map((s) => s ?? 'reset').join(' ')}), ` +
          `processed ${(((attempts.at(-1)?.endedAt ?? 0) - killedAt) / 1000).toFixed(1)} s after the kill on ${attempts.at(-1)?.instance?.name}`,
      )
      // the killed attempt got no answer; retries met the lease (409) until it expired
      expect(attempts[0]?.instance?.pid).toBe(victim.pid)
      expect(attempts[0]?.status).toBeUndefined()
      expect(statuses.filter((s) => s === 409).length).toBeGreaterThan(0)
      expect(statuses.at(-1)).toBe(204)
      expect(statuses.filter((s) => s === 204)).toHaveLength(1)
      expect(log.get(delivery.id)?.pids).toEqual([attempts.at(-1)?.instance?.pid])
      expect(attempts.at(-1)?.instance?.pid).not.toBe(victim.pid)
      // the lease, not anything sooner, let the retry through
      expect((attempts.at(-1)?.endedAt ?? 0) - killedAt).toBeGreaterThan(LEASE_SECONDS * 1000 - 1000)
      // a fresh instance takes the victim's place for the next case
      pool[0] = await spawnReceiver('express-3', 'express', receiverEnv())
    } catch (error) {
      failed = true
      throw error
    }
  }, 60_000)

  it('Redis stopped mid-run: 503 STORE_UNAVAILABLE with Retry-After, nothing acknowledged unprocessed, retries complete the set after Redis returns', async () => {
    try {
      const total = 300
      const deliveries: Delivery[] = []
      for (let n = 0; n < total; n++) {
        deliveries.push(await makeDelivery(PROOF_PROVIDERS[n % PROOF_PROVIDERS.length] as ProofProvider, n))
      }
      figures.deliveries += deliveries.length
      const acknowledged: { delivery: Delivery; attempt: Attempt }[] = []
      const onAck = (delivery: Delivery) => (attempt: Attempt) => {
        acknowledged.push({ delivery, attempt })
      }
      let stoppedAt = Number.POSITIVE_INFINITY
      let restartingAt = Number.POSITIVE_INFINITY
      const outage = (async () => {
        while (acknowledged.length < total / 3) await new Promise((r) => setTimeout(r, 5))
        await redis.stop()
        stoppedAt = Date.now()
        await new Promise((r) => setTimeout(r, 3_000))
        restartingAt = Date.now()
        await redis.start()
      })()
      const jobs = deliveries.map((delivery) => {
        const start = nextStart++
        return () => sendCopy(delivery, start, onAck(delivery))
      })
      await runPool(jobs, 8)
      await outage

      const log = handled.refresh()
      const attempts = deliveries.flatMap((d) => d.copies.flat())
      const during = attempts.filter((a) => a.startedAt > stoppedAt && a.endedAt < restartingAt)
      const unavailable = attempts.filter((a) => a.status === 503)
      const ackedBefore = acknowledged.filter((a) => a.attempt.endedAt < stoppedAt)
      console.log(
        `proof, Redis outage (${((restartingAt - stoppedAt) / 1000).toFixed(1)} s): ${total} deliveries, ${attempts.length} requests, ` +
          `${unavailable.length} answered 503, ${attempts.filter((a) => a.status === 409).length} answered 409, ${ackedBefore.length} acknowledged before the stop, ` +
          `${during.length} requests sent while Redis was down, all completed after it returned`,
      )
      expect(unavailable.length).toBeGreaterThan(0)
      for (const a of unavailable) {
        expect(a.code).toBe('STORE_UNAVAILABLE')
        expect(Number(a.retryAfter)).toBeGreaterThan(0)
      }
      // while Redis was down nothing new was acknowledged: every request got 503
      expect(during.length).toBeGreaterThan(0)
      expect(during.filter((a) => a.status !== 503).map((a) => `${a.instance?.name}: ${a.status ?? a.error}`)).toEqual([])
      // no acknowledgement without the handler's log line, at the moment it was given
      const unlogged = acknowledged.filter((a) => a.attempt.inLogAtAck !== true)
      expect(unlogged.map((a) => `${a.delivery.provider} ${a.delivery.id} ${a.attempt.status}`)).toEqual([])
      // deliveries acknowledged before the stop are in the log once; Redis forgot them (no
      // persistence), so no copy of them is sent again here: that would be processed a second time
      expect(ackedBefore.length).toBeGreaterThan(0)
      for (const { delivery } of ackedBefore) expect(log.get(delivery.id)?.pids).toHaveLength(1)
      // after Redis returned the retries completed the set, each delivery handled once
      for (const delivery of deliveries) {
        expect(delivery.copies[0]?.at(-1)?.status, `${delivery.provider} ${delivery.id}`).toBe(204)
        const processed = processedBy(delivery)
        expect(processed).toHaveLength(1)
        expect(log.get(delivery.id)?.pids).toEqual([processed[0]?.instance?.pid])
      }
    } catch (error) {
      failed = true
      throw error
    } finally {
      console.log(
        `proof, all cases: ${figures.deliveries} deliveries, ${figures.copies} copies sent, ${figures.requests} requests, ` +
          `${figures.retries} retries; answers: ${figures.processed204} processed (204), ${figures.duplicateAcks200} duplicates acknowledged (200), ` +
          `${figures.inFlight409} in flight (409), ${figures.firstAttemptFailures500} first attempts failed (500), ` +
          `${figures.storeUnavailable503} store unavailable (503), ${figures.connectionErrors} without answer (killed receiver)`,
      )
    }
  }, 60_000)
})
