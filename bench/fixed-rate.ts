/**
 * Server CPU per request at a fixed offered rate, not at saturation:
 * `node --import tsx bench/fixed-rate.ts <framework> [routes=hand,hookproof] [rate=5000] [seconds=3] [rounds=5] [bytes=1024]`
 * starts `bench/http/server.ts <framework> <route>` for each route, warms each to 10k requests,
 * then loads them in turn, round after round in rotated order, with autocannon at `rate` requests
 * per second over 10 connections, and prints each route's median CPU µs per request
 * (`process.cpuUsage()` of the server, read over IPC) and its ratio to the first route's in the
 * same round. At saturation a slower server leaves the load generator asleep more often, and each
 * response's write then wakes it (bench/README.md); at a rate both servers sustain, that effect
 * is the same for both, so the difference is what the route's code costs. Pick a rate below
 * every route's saturation (Express 5 at 1 KiB saturates near 6000 req/s on 2 cores, Hono near
 * 19000): a route that cannot keep up is warned about. Compare routes of one run, not runs.
 * A route written `route@<dir>` runs on a build kept by `bench/save-build.ts <name>` before a change:
 * `hookproof@bench/.build/base,hookproof` is an interleaved before/after. With `--together` the
 * routes of a round run at the same time (pick a rate all of them sustain at once): a drift in the
 * machine's speed during the round then reaches every route alike, and the ratios are steadier.
 */
import type { ChildProcess } from 'node:child_process'
import { resolve as resolvePath } from 'node:path'
import autocannon from 'autocannon'
import { buildAll } from './lib/build.js'
import { deliveries, webhookRequests } from './lib/fixtures.js'
import { cpuOf, forkRoute } from './lib/route-server.js'

const args = process.argv.slice(2)
// --together: every route under load at once in each round (each its own autocannon at `rate`),
// so a drift in the machine's speed during a round reaches all of them alike
const together = args.includes('--together')
const [framework = 'hono', routeList = 'hand,hookproof', rate = '5000', seconds = '3', roundCount = '5', size = '1024'] = args.filter(
  (a) => !a.startsWith('--'),
)
process.env.HOOKPROOF_BENCH_BUILD ||= await buildAll()

interface Running {
  route: string
  child: ChildProcess
  port: number
  /** CPU µs per request, one per round. */
  cpu: number[]
}

/** `route@<dir>` runs the route on a build kept by `bench/save-build.ts` (an interleaved before/after of one change). */
async function start(spec: string): Promise<Running> {
  const [route = spec, build] = spec.split('@')
  const env = build === undefined ? process.env : { ...process.env, HOOKPROOF_BENCH_BUILD: resolvePath(build) }
  return { route: spec, ...(await forkRoute(framework, route, [], env)), cpu: [] }
}

// a new delivery per request (new body, new MAC), as in bench/http.ts
const next = deliveries(Number(size), `fixed-rate-${process.pid}`)
const load = (port: number, duration: number, overallRate?: number) =>
  autocannon({ url: `http://127.0.0.1:${port}`, connections: 10, duration, overallRate, requests: [webhookRequests(next)] })
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number

const running = await Promise.all(routeList.split(',').map(start))
try {
  for (const r of running) {
    let served = (await load(r.port, 2)).requests.total
    while (served < 10_000) served += (await load(r.port, 1)).requests.total
  }
  /** One measured run of `r`: its CPU per request, and a warning when it fell behind the rate. */
  const measure = async (r: Running) => {
    const before = await cpuOf(r.child)
    const result = await load(r.port, Number(seconds), Number(rate))
    r.cpu.push(((await cpuOf(r.child)) - before) / Math.max(1, result.requests.total))
    const served = result.requests.total / Number(seconds)
    if (served < Number(rate) * 0.97)
      console.warn(`${r.route} served ${served.toFixed(0)} of ${rate} req/s: the rate is above what it sustains`)
  }
  for (let round = 0; round < Number(roundCount); round++) {
    if (together) await Promise.all(running.map(measure))
    else for (let i = 0; i < running.length; i++) await measure(running[(i + round) % running.length] as Running)
  }
  const base = running[0] as Running
  for (const r of running) {
    const ratios = r.cpu.map((c, i) => c / (base.cpu[i] as number))
    console.log(
      `${framework} ${size} B at ${rate} req/s, ${r.route}: ${median(r.cpu).toFixed(1)} µs CPU/req (rounds ${r.cpu.map((c) => c.toFixed(1)).join(', ')}); ` +
        `${median(ratios).toFixed(2)}x ${base.route} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`,
    )
  }
} finally {
  for (const r of running) r.child.kill('SIGTERM')
}
