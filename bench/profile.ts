/**
 * Where a route's server spends its CPU: `node --import tsx bench/profile.ts <framework> <route>
 * [seconds] [size]` starts `bench/http/server.ts <framework> <route>` under `--cpu-prof`, loads it
 * with autocannon (10 connections, 1 KiB by default) and, after a clean exit, prints the profile's
 * CPU µs per request (load-independent, unlike req/s) and the top functions by self time and by
 * package. Compare a `hookproof` route with `hand` to see where the adapter's extra time goes.
 */
import { fork } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sign } from '@hookproof/core'
import autocannon from 'autocannon'
import { buildAll } from './lib/build.js'
import { jsonBody, SECRET } from './lib/fixtures.js'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  endTime: number
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
}

const [framework = 'express', route = 'hookproof', seconds = '5', size = '1024'] = process.argv.slice(2)
process.env.HOOKPROOF_BENCH_BUILD ||= await buildAll()
const dir = mkdtempSync(join(tmpdir(), 'hookproof-prof-'))
const child = fork(fileURLToPath(new URL('./http/server.ts', import.meta.url)), [framework, route], {
  execArgv: ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${dir}`, '--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
})
const port = await new Promise<number>((resolve, reject) =>
  child.once('message', (m: { port?: number; skip?: string }) => (m.port ? resolve(m.port) : reject(new Error(m.skip)))),
)
const body = jsonBody(Number(size))
const headers = { 'content-type': 'application/json', ...(await sign('github', { secret: SECRET, body, event: 'push' })) }
let n = 0
const run = (duration: number) =>
  autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 10,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/webhook',
        body,
        headers,
        setupRequest: (req: { headers?: Record<string, string> }) => {
          req.headers = { ...headers, 'x-github-delivery': `prof-${++n}` }
          return req
        },
      },
    ],
  })
// warm-up first (JIT, module loading); only the samples of the measured run count
await run(2)
const measuredFrom = process.hrtime.bigint()
const result = await run(Number(seconds))
const measuredMs = Number(process.hrtime.bigint() - measuredFrom) / 1e6
const exited = new Promise((resolve) => child.once('exit', resolve))
child.kill('SIGTERM')
await exited
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
if (file === undefined) throw new Error('no profile written')
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile
rmSync(dir, { recursive: true, force: true })

const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const self = new Map<number, number>()
// sample times from the end backwards: the measured run ended just before SIGTERM (its shutdown
// takes a few ms), so the window is the last `measuredMs` of the profile
const times: number[] = []
let t = profile.endTime
for (let i = profile.samples.length - 1; i >= 0; i--) {
  times[i] = t
  t -= profile.timeDeltas[i] ?? 0
}
const from = profile.endTime - measuredMs * 1000 - 20_000
for (const [i, id] of profile.samples.entries()) {
  if ((times[i] as number) < from) continue
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
}
const idle = new Set(['(idle)', '(program)', '(garbage collector)'])
let busy = 0
let gc = 0
const fns = new Map<string, number>()
const packages = new Map<string, number>()
const where = (url: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url) ?? /packages\/([^/]+)\/src/.exec(url)
  if (m) return m[1] as string
  if (url.includes('.build/')) return `hookproof build (${url.split('/').pop()})`
  if (url.startsWith('node:') || url === '') return 'node internals / native'
  return url.split('/').slice(-2).join('/')
}
for (const [id, us] of self) {
  const node = byId.get(id) as Node
  const name = node.callFrame.functionName || '(anonymous)'
  if (name === '(garbage collector)') gc += us
  if (idle.has(name) && name !== '(garbage collector)') continue
  busy += us
  const key = `${name} ${where(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`
  fns.set(key, (fns.get(key) ?? 0) + us)
  const pkg = where(node.callFrame.url)
  packages.set(pkg, (packages.get(pkg) ?? 0) + us)
}
const requests = result.requests.total
const top = (m: Map<string, number>, k: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([name, us]) => `  ${(us / requests).toFixed(2).padStart(7)} µs/req  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${name}`)
    .join('\n')
console.log(
  `${framework} ${route} ${size} B: ${requests} requests, ${Math.round(requests / Number(seconds))} req/s, ` +
    `${(busy / requests).toFixed(1)} µs CPU/req on the JS thread (gc ${(gc / requests).toFixed(1)}), non-2xx ${result.non2xx}`,
)
console.log(`by package:\n${top(packages, 12)}`)
console.log(`by function (self):\n${top(fns, Number(process.env.TOP ?? 30))}`)
