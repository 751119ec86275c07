/**
 * Requests/s and latency with autocannon on 127.0.0.1. Each route runs in its own server process
 * (bench/http/server.ts), so the load generator (this process) and the server never share an
 * event loop; on a 2-core machine each gets a core. Latency percentiles are computed here from
 * every response's own hrtime duration (autocannon's histogram rounds to whole milliseconds).
 */
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { ROUTES, type Route } from './http/common.js'
import { NEXT_BENCH_APP } from './http/next-app.js'
import { deliveries, HTTP_SIZES, label, webhookRequests } from './lib/fixtures.js'
import { type Spread, spread } from './lib/measure.js'
import { buildNextApp } from './lib/next.js'

export { ROUTES, type Route }

/**
 * The frameworks `npm run bench` measures, in order: each has its server in
 * `bench/http/<name>.ts` (see http/server.ts). Adding one is one entry here and that file;
 * `--frameworks=express,fastify` picks some.
 */
export const FRAMEWORKS = ['express', 'koa', 'fastify', 'hono', 'nestjs', 'nestjs-fastify', 'next-app', 'next-pages'] as const

export interface HttpOptions {
  durationS: number
  /**
   * Warm-up per route before its first measured run, a third of it before later sizes; it goes on
   * until the route has served `warmupRequests` (a third before later sizes), for at most 30 s.
   */
  warmupS: number
  /** Requests each route serves in its warm-up (default 10k, what the JIT needs). */
  warmupRequests?: number
  rounds: number
  connections: number
  frameworks?: readonly string[]
  sizes?: readonly number[]
  /** Always includes `hand`, the reference of every ratio. */
  routes?: readonly Route[]
}

export interface RunResult {
  rps: number
  p50: number
  p99: number
  non2xx: number
  errors: number
  /** Requests the route's handler ran for (a replay store must not drop any: every id is new). */
  handled: number
  /** Server process CPU time (user + system) per response, µs: steadier than req/s on a shared machine. */
  cpuPerRequest: number
  /** Responses received. */
  latencies: number
}

export interface RouteResult {
  framework: string
  route: Route
  size: string
  rounds: RunResult[]
  rps: Spread
  p50: Spread
  p99: Spread
  /**
   * req/s over the geometric mean of the hand runs just before and after this one; on hand's own
   * row, each hand run over the hand run before it (A/A: the instrument's noise).
   */
  rpsVsHand?: Spread
  /** p99 over the neighbouring hand runs' p99, as `rpsVsHand`. */
  p99VsHand?: Spread
  /** Server CPU µs per request, and its ratio to the neighbouring hand runs', as `rpsVsHand`. */
  cpuPerRequest: Spread
  cpuVsHand?: Spread
  skipped?: string
}

interface Server {
  child: ChildProcess
  port?: number
  skip?: string
}

const serverScript = fileURLToPath(new URL('./http/server.ts', import.meta.url))

function start(framework: string, route: Route): Promise<Server> {
  const child = fork(serverScript, [framework, route], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  })
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ child, skip: `${framework} ${route}: server did not start in 60 s` }), 60_000)
    child.once('message', (m: { port?: number; skip?: string }) => {
      clearTimeout(timer)
      resolve({ child, port: m.port, skip: m.skip })
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({
        child,
        skip: `${framework} ${route}: server exited (${code}) ${stderr.split('\n').find((l) => l.includes('Error')) ?? ''}`.trim(),
      })
    })
  })
}

interface Stats {
  handled: number
  cpuUs: number
}

function stats(server: Server): Promise<Stats> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ handled: Number.NaN, cpuUs: Number.NaN }), 2000)
    server.child.once('message', (m: Partial<Stats>) => {
      clearTimeout(timer)
      resolve({ handled: m.handled ?? Number.NaN, cpuUs: m.cpuUs ?? Number.NaN })
    })
    server.child.send({ cmd: 'stats' })
  })
}

/** Requests every route serves before its first measured run by default (see warm). */
const WARMUP_REQUESTS = 10_000
/** The longest a route is warmed for, whatever it served. */
const WARMUP_MAX_S = 30

/** Loads a route for `seconds`, then on in 1 s runs until it has served `requests` (at most WARMUP_MAX_S). */
async function warm(
  port: number,
  next: ReturnType<typeof deliveries>,
  seconds: number,
  requests: number,
  connections: number,
): Promise<void> {
  let served = (await load(port, next, seconds, connections)).latencies
  for (let s = seconds; served < requests && s < WARMUP_MAX_S; s += 1) served += (await load(port, next, 1, connections)).latencies
}

async function load(
  port: number,
  next: ReturnType<typeof deliveries>,
  seconds: number,
  connections: number,
): Promise<RunResult & { latencies: number }> {
  const latencies: number[] = []
  const instance = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    // a new delivery per request (new body, new MAC), so a replay store claims each instead of
    // answering a duplicate; the same work for every route
    requests: [webhookRequests(next)],
  })
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    latencies.push(ms)
  })
  const result = await instance
  latencies.sort((a, b) => a - b)
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN
  return {
    rps: result.requests.total / (result.duration || seconds),
    p50: at(0.5),
    p99: at(0.99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    handled: 0,
    cpuPerRequest: 0,
    latencies: latencies.length,
  }
}

let nextPrepared = false

/** Builds the bench's Next app once (`next build`, cached under node_modules/.cache while its inputs are unchanged). */
function prepareNext(log: (line: string) => void): void {
  if (nextPrepared) return
  nextPrepared = true
  try {
    const { built, seconds } = buildNextApp(fileURLToPath(new URL('./next-app/', import.meta.url)), NEXT_BENCH_APP)
    if (built) log(`next build of bench/next-app took ${seconds.toFixed(0)} s`)
  } catch (error) {
    // the servers then skip with "not built"
    log(`next build of bench/next-app failed: ${String(error).split('\n')[0]}`)
  }
}

export async function runHttp(opts: HttpOptions, log: (line: string) => void): Promise<RouteResult[]> {
  const out: RouteResult[] = []
  const routes = ROUTES.filter((r) => r === 'hand' || opts.routes === undefined || opts.routes.includes(r))
  for (const framework of opts.frameworks ?? FRAMEWORKS) {
    if (framework.startsWith('next-')) prepareNext(log)
    const servers = new Map<Route, Server>()
    const started = await Promise.all(routes.map((route) => start(framework, route)))
    for (const [i, route] of routes.entries()) servers.set(route, started[i] as Server)
    try {
      for (const [sizeIndex, size] of (opts.sizes ?? HTTP_SIZES).entries()) {
        const next = deliveries(size, `bench-${process.pid}-${size}`)
        const results = new Map<Route, RunResult[]>()
        const live = routes.filter((r) => servers.get(r)?.port !== undefined)
        // at least warmupS, and at least WARMUP_REQUESTS (a third before later sizes): the JIT needs
        // ~10k requests, which Express serves in one second and Next.js in ten; a Next route warmed
        // for 2 s went on getting faster for a minute and its first rounds read 0.5-0.7x hand
        const warmupS = sizeIndex === 0 ? opts.warmupS : Math.max(0.3, opts.warmupS / 3)
        const warmupRequests = (opts.warmupRequests ?? WARMUP_REQUESTS) / (sizeIndex === 0 ? 1 : 3)
        for (const route of live) await warm(servers.get(route)?.port as number, next, warmupS, warmupRequests, opts.connections)
        // every contender runs between two hand runs (hand, a, hand, b, hand, ...): its ratio is to
        // the geometric mean of the hand runs just before and after it, which cancels a load that
        // drifts over the seconds of a round. The hand runs' ratio to the next hand run is the
        // instrument's own noise (A/A), reported on hand's row.
        const vsHand = new Map<Route, { rps: number[]; p99: number[]; cpu: number[] }>()
        const ratios = (route: Route) => vsHand.get(route) ?? (vsHand.set(route, { rps: [], p99: [], cpu: [] }).get(route) as never)
        const others = live.filter((r) => r !== 'hand')
        const measureOnce = async (route: Route): Promise<RunResult> => {
          const server = servers.get(route) as Server
          const before = await stats(server)
          const r = await load(server.port as number, next, opts.durationS, opts.connections)
          const after = await stats(server)
          r.handled = after.handled - before.handled
          r.cpuPerRequest = (after.cpuUs - before.cpuUs) / Math.max(1, r.latencies)
          ;(results.get(route) ?? results.set(route, []).get(route))?.push(r)
          log(
            `http ${framework} ${label(size)} ${route}: ${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.cpuPerRequest.toFixed(1)} µs CPU/req${r.non2xx || r.errors ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''}${route !== 'bare' && r.handled < r.latencies * 0.98 ? `, handler ran for only ${r.handled} of ${r.latencies}` : ''}`,
          )
          return r
        }
        const handLive = live.includes('hand')
        for (let round = 0; round < opts.rounds; round++) {
          // rotate the order each round so no contender always runs first
          const order = others.map((_, i) => others[(i + round) % others.length] as Route)
          let before = handLive ? await measureOnce('hand') : undefined
          for (const route of order) {
            const r = await measureOnce(route)
            if (before === undefined) continue
            const after = await measureOnce('hand')
            const ratio = ratios(route)
            ratio.rps.push(r.rps / Math.sqrt(before.rps * after.rps))
            ratio.p99.push(r.p99 / Math.sqrt(before.p99 * after.p99))
            ratio.cpu.push(r.cpuPerRequest / Math.sqrt(before.cpuPerRequest * after.cpuPerRequest))
            const aa = ratios('hand')
            aa.rps.push(after.rps / before.rps)
            aa.p99.push(after.p99 / before.p99)
            aa.cpu.push(after.cpuPerRequest / before.cpuPerRequest)
            before = after
          }
        }
        for (const route of routes) {
          const server = servers.get(route) as Server
          const runs = results.get(route)
          if (runs === undefined) {
            out.push({
              framework,
              route,
              size: label(size),
              rounds: [],
              rps: spread([Number.NaN]),
              p50: spread([Number.NaN]),
              p99: spread([Number.NaN]),
              cpuPerRequest: spread([Number.NaN]),
              skipped: server.skip ?? 'not run',
            })
            continue
          }
          const row: RouteResult = {
            framework,
            route,
            size: label(size),
            rounds: runs,
            rps: spread(runs.map((r) => r.rps)),
            p50: spread(runs.map((r) => r.p50)),
            p99: spread(runs.map((r) => r.p99)),
            cpuPerRequest: spread(runs.map((r) => r.cpuPerRequest)),
          }
          const ratio = vsHand.get(route)
          if (ratio !== undefined) {
            row.rpsVsHand = spread(ratio.rps)
            row.p99VsHand = spread(ratio.p99)
            row.cpuVsHand = spread(ratio.cpu)
          }
          out.push(row)
        }
      }
    } finally {
      for (const server of servers.values()) server.child.kill()
    }
  }
  return out
}
