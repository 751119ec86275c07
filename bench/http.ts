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
  /** Warm-up per route before its first measured run (the JIT needs ~10k requests); a third of it before later sizes. */
  warmupS: number
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
  /** req/s divided by the hand-written route's req/s in the same round. */
  rpsVsHand?: Spread
  /** p99 divided by the hand-written route's p99 in the same round. */
  p99VsHand?: Spread
  /** Server CPU µs per request, and its ratio to the hand-written route's in the same round. */
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
        const warmup = sizeIndex === 0 ? opts.warmupS : Math.max(0.3, opts.warmupS / 3)
        for (const route of live) await load(servers.get(route)?.port as number, next, warmup, opts.connections)
        for (let round = 0; round < opts.rounds; round++) {
          // rotate the order each round so no route always runs first
          const order = live.map((_, i) => live[(i + round) % live.length] as Route)
          for (const route of order) {
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
          }
        }
        const hand = results.get('hand')
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
          if (hand !== undefined) {
            row.rpsVsHand = spread(runs.map((r, i) => r.rps / (hand[i] as RunResult).rps))
            row.p99VsHand = spread(runs.map((r, i) => r.p99 / (hand[i] as RunResult).p99))
            row.cpuVsHand = spread(runs.map((r, i) => r.cpuPerRequest / (hand[i] as RunResult).cpuPerRequest))
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
