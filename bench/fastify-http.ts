/**
 * A quick stand-alone run of the Fastify rows (bench/http/fastify.ts) until bench/http.ts takes
 * per-framework files: `node --import tsx bench/fastify-http.ts [seconds] [rounds]`. Each route
 * runs in its own server process; rounds alternate the order; prints req/s per route and the
 * median ratio to `hand` measured in the same round, and the server's CPU time per request (user +
 * system, steadier than req/s on a shared machine) with its ratio to `hand`.
 */
import { fork } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { sign } from '@hookproof/core'
import autocannon from 'autocannon'
import { type FastifyRoute, fastify } from './http/fastify.js'
import { HTTP_SIZES, jsonBody, label, SECRET } from './lib/fixtures.js'

if (process.argv[2] === 'serve') {
  const server = await fastify(process.argv[3] as FastifyRoute)
  server.once('listening', () => process.send?.({ port: (server.address() as AddressInfo).port }))
  process.on('message', () => {
    const cpu = process.cpuUsage()
    process.send?.({ cpuUs: cpu.user + cpu.system })
  })
} else {
  const seconds = Number(process.argv[2] ?? 3)
  const rounds = Number(process.argv[3] ?? 3)
  const routes: FastifyRoute[] = ['bare', 'hand', 'core-check', 'hookproof', 'hookproof-store']
  const self = fileURLToPath(import.meta.url)
  const servers = await Promise.all(
    routes.map(
      (route) =>
        new Promise<{ route: FastifyRoute; port: number; kill: () => void; cpu: () => Promise<number> }>((resolve) => {
          const child = fork(self, ['serve', route], { execArgv: ['--import', 'tsx'] })
          const cpu = () =>
            new Promise<number>((done) => {
              child.once('message', (m: { cpuUs: number }) => done(m.cpuUs))
              child.send('stats')
            })
          child.once('message', (m: { port: number }) => resolve({ route, port: m.port, kill: () => child.kill(), cpu }))
        }),
    ),
  )
  let id = 0
  const run = async (port: number, body: Buffer, headers: Record<string, string>, duration: number) => {
    const result = await autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: 10,
      duration,
      requests: [
        {
          method: 'POST',
          path: '/webhook',
          body,
          setupRequest: (req: { headers?: Record<string, string> }) => {
            req.headers = { ...headers, 'x-github-delivery': `bench-${++id}` }
            return req
          },
        },
      ],
    })
    if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx answers on port ${port}`)
    return { rps: result.requests.total / result.duration, requests: result.requests.total }
  }
  try {
    for (const size of HTTP_SIZES) {
      const body = jsonBody(size)
      const headers = { 'content-type': 'application/json', ...(await sign('github', { secret: SECRET, body, event: 'push' })) }
      for (const s of servers) await run(s.port, body, headers, 2)
      const ratios = new Map<FastifyRoute, number[]>()
      const rps = new Map<FastifyRoute, number[]>()
      const cpuRatios = new Map<FastifyRoute, number[]>()
      const cpus = new Map<FastifyRoute, number[]>()
      const push = (map: Map<FastifyRoute, number[]>, route: FastifyRoute, value: number) =>
        (map.get(route) ?? map.set(route, []).get(route))?.push(value)
      for (let round = 0; round < rounds; round++) {
        const order = servers.map((_, i) => servers[(i + round) % servers.length] as (typeof servers)[number])
        const got = new Map<FastifyRoute, { rps: number; cpu: number }>()
        for (const s of order) {
          const before = await s.cpu()
          const r = await run(s.port, body, headers, seconds)
          got.set(s.route, { rps: r.rps, cpu: ((await s.cpu()) - before) / r.requests })
        }
        const hand = got.get('hand') as { rps: number; cpu: number }
        for (const [route, value] of got) {
          push(rps, route, value.rps)
          push(ratios, route, value.rps / hand.rps)
          push(cpus, route, value.cpu)
          push(cpuRatios, route, value.cpu / hand.cpu)
        }
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
      for (const route of routes) {
        const r = ratios.get(route) as number[]
        const c = cpuRatios.get(route) as number[]
        console.log(
          `fastify ${label(size)} ${route}: ${Math.round(median(rps.get(route) as number[]))} req/s, ${median(r).toFixed(2)}x hand (${Math.min(...r).toFixed(2)}-${Math.max(...r).toFixed(2)}); ` +
            `${median(cpus.get(route) as number[]).toFixed(1)} µs server CPU/req, ${median(c).toFixed(2)}x hand (${Math.min(...c).toFixed(2)}-${Math.max(...c).toFixed(2)})`,
        )
      }
    }
  } finally {
    for (const s of servers) s.kill()
  }
}
