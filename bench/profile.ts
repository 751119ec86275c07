/**
 * Where a route's server spends its CPU, compared with another route under the same load:
 * `node --import tsx bench/profile.ts <framework> [routes=hand,hookproof] [seconds=2] [rounds=4] [bytes=1024]`
 * starts `bench/http/server.ts <framework> <route>` for each route under `--cpu-prof` (100 µs
 * sampling), warms each up, then loads them in turn, round after round (A, B, A, B: on a shared
 * machine the load drifts, and each route gets the same share of it), with autocannon
 * (10 connections, a signed GitHub delivery of `bytes`). After a clean exit it keeps only the
 * samples taken while a route was under load (V8's profile clock is the monotonic one of
 * `process.hrtime`) and prints, per route, the CPU µs per request of its JS thread and the top
 * packages and functions by self time, then the packages' difference to the first route: where
 * the adapter's extra time goes, in µs per request.
 *
 * Each route also gets its server's own CPU time per request (`process.cpuUsage()`, user + system,
 * read over IPC before and after each run): the profile's sample deltas are wall time, which on a
 * loaded machine includes the time the thread waited for a core. A route written `route@<dir>`
 * runs with `HOOKPROOF_BENCH_BUILD=<dir>` (a build kept by `bench/save-build.ts <name>` before a change),
 * so `hookproof,hookproof@bench/.build/base` is an interleaved before/after of one change.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve as resolvePath } from 'node:path'
import autocannon from 'autocannon'
import { buildAll } from './lib/build.js'
import { deliveries, webhookRequests } from './lib/fixtures.js'
import { cpuOf, forkRoute } from './lib/route-server.js'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
interface Profile {
  startTime: number
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
}

const [framework = 'express', routeList = 'hand,hookproof', seconds = '2', roundCount = '4', size = '1024'] = process.argv.slice(2)
const routes = routeList.split(',')
process.env.HOOKPROOF_BENCH_BUILD ||= await buildAll()

interface Running {
  route: string
  dir: string
  child: ChildProcess
  port: number
  /** [from, to] in µs of the monotonic clock, one per measured run. */
  windows: [number, number][]
  requests: number
  non2xx: number
  /** Server CPU µs (process.cpuUsage) over the measured runs. */
  cpuUs: number
}

async function startRoute(spec: string): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'hookproof-prof-'))
  const [route = spec, build] = spec.split('@')
  const env = build === undefined ? process.env : { ...process.env, HOOKPROOF_BENCH_BUILD: resolvePath(build) }
  const { child, port } = await forkRoute(framework, route, ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${dir}`], env)
  return { route: spec, dir, child, port, windows: [], requests: 0, non2xx: 0, cpuUs: 0 }
}

// a new delivery per request (new body, new MAC): a replay store claims each, as in bench/http.ts
const next = deliveries(Number(size), `prof-${process.pid}`)
const load = (port: number, duration: number) =>
  autocannon({ url: `http://127.0.0.1:${port}`, connections: 10, duration, requests: [webhookRequests(next)] })
const now = () => Number(process.hrtime.bigint() / 1000n)

const running = await Promise.all(routes.map(startRoute))
// warm-up (JIT, lazy module loading): not in any window
for (const r of running) await load(r.port, 2)
for (let round = 0; round < Number(roundCount); round++) {
  for (let i = 0; i < running.length; i++) {
    const r = running[(i + round) % running.length] as Running
    const cpuBefore = await cpuOf(r.child)
    const from = now()
    const result = await load(r.port, Number(seconds))
    r.windows.push([from, now()])
    r.cpuUs += (await cpuOf(r.child)) - cpuBefore
    r.requests += result.requests.total
    r.non2xx += result.non2xx
  }
}
await Promise.all(
  running.map((r) => {
    const exited = new Promise((resolve) => r.child.once('exit', resolve))
    r.child.kill('SIGTERM')
    return exited
  }),
)

const IDLE = new Set(['(idle)', '(program)'])
const where = (url: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url) ?? /packages\/([^/]+)\/src/.exec(url)
  if (m) return m[1] as string
  if (url.includes('.build/')) return `hookproof (${url.split('/').pop()})`
  if (url.startsWith('node:') || url === '') return 'node internals, native'
  return url.split('/').slice(-2).join('/')
}

interface Summary {
  perRequest: number
  packages: Map<string, number>
  functions: Map<string, number>
}

function summarize(r: Running): Summary {
  const file = readdirSync(r.dir).find((f) => f.endsWith('.cpuprofile'))
  if (file === undefined) throw new Error(`${r.route}: no profile written`)
  const profile = JSON.parse(readFileSync(join(r.dir, file), 'utf8')) as Profile
  // PROFILE_KEEP=1 keeps the .cpuprofile (for DevTools or speedscope)
  if (process.env.PROFILE_KEEP) console.log(`${r.route}: ${join(r.dir, file)}`)
  else rmSync(r.dir, { recursive: true, force: true })
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const packages = new Map<string, number>()
  const functions = new Map<string, number>()
  let busy = 0
  let t = profile.startTime
  for (const [i, id] of profile.samples.entries()) {
    const delta = profile.timeDeltas[i] ?? 0
    t += delta
    if (!r.windows.some(([from, to]) => t >= from && t <= to)) continue
    const node = byId.get(id) as Node
    const name = node.callFrame.functionName || '(anonymous)'
    if (IDLE.has(name)) continue
    busy += delta
    const pkg = name === '(garbage collector)' ? 'gc' : where(node.callFrame.url)
    packages.set(pkg, (packages.get(pkg) ?? 0) + delta)
    const key = `${name} ${pkg}:${node.callFrame.lineNumber + 1}`
    functions.set(key, (functions.get(key) ?? 0) + delta)
  }
  const per = (m: Map<string, number>) => new Map([...m].map(([k, v]) => [k, v / Math.max(1, r.requests)]))
  return { perRequest: busy / Math.max(1, r.requests), packages: per(packages), functions: per(functions) }
}

const top = (m: Map<string, number>, k: number, total: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([name, us]) => `  ${us.toFixed(2).padStart(8)} µs/req  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`)
    .join('\n')

const summaries = running.map((r) => ({ r, s: summarize(r) }))
for (const { r, s } of summaries) {
  console.log(
    `\n${framework} ${r.route} ${size} B: ${r.requests} requests in ${r.windows.length} runs of ${seconds} s, ` +
      `${s.perRequest.toFixed(1)} µs/req in JS-thread samples, ${(r.cpuUs / Math.max(1, r.requests)).toFixed(1)} µs process CPU/req${r.non2xx ? `, ${r.non2xx} non-2xx` : ''}`,
  )
  console.log(`by package:\n${top(s.packages, 12, s.perRequest)}`)
  console.log(`by function (self):\n${top(s.functions, Number(process.env.TOP ?? 20), s.perRequest)}`)
}
const [base, ...others] = summaries
for (const { r, s } of others) {
  if (base === undefined) break
  const difference = (a: Map<string, number>, b: Map<string, number>) =>
    new Map([...new Set([...a.keys(), ...b.keys()])].map((key) => [key, (a.get(key) ?? 0) - (b.get(key) ?? 0)]))
  const lines = (m: Map<string, number>, k: number) =>
    [...m.entries()]
      .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
      .slice(0, k)
      .map(([name, us]) => `  ${(us >= 0 ? '+' : '') + us.toFixed(2)} µs/req  ${name}`)
      .join('\n')
  const cpu = (x: Running) => x.cpuUs / Math.max(1, x.requests)
  console.log(
    `\n${r.route} - ${base.r.route}: process CPU ${(cpu(r) - cpu(base.r)).toFixed(1)} µs/req (${(cpu(r) / cpu(base.r)).toFixed(2)}x); ` +
      `samples ${(s.perRequest - base.s.perRequest).toFixed(1)} µs/req ` +
      `(${(s.perRequest / base.s.perRequest).toFixed(2)}x), by package:`,
  )
  console.log(lines(difference(s.packages, base.s.packages), 10))
  // the package view hides which native or node function grew: the largest moves by function
  console.log(`by function (self):\n${lines(difference(s.functions, base.s.functions), Number(process.env.TOP ?? 20))}`)
}
