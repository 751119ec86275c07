/**
 * A quick stand-alone run of the Fastify rows (bench/http/fastify.ts) until bench/http.ts takes
 * per-framework files: `node --import tsx bench/fastify-http.ts [seconds] [rounds]`. Each route
 * runs in its own server process; rounds alternate the order; prints req/s per route and the
 * median ratio to `hand` measured in the same round.
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
} else {
  const seconds = Number(process.argv[2] ?? 3)
  const rounds = Number(process.argv[3] ?? 3)
  const routes: FastifyRoute[] = ['bare', 'hand', 'core-check', 'hookproof', 'hookproof-store']
  const self = fileURLToPath(import.meta.url)
  const servers = await Promise.all(
    routes.map(
      (route) =>
        new Promise<{ route: FastifyRoute; port: number; kill: () => void }>((resolve) => {
          const child = fork(self, ['serve', route], { execArgv: ['--import', 'tsx'] })
          child.once('message', (m: { port: number }) => resolve({ route, port: m.port, kill: () => child.kill() }))
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
    return result.requests.total / result.duration
  }
  try {
    for (const size of HTTP_SIZES) {
      const body = jsonBody(size)
      const headers = { 'content-type': 'application/json', ...(await sign('github', { secret: SECRET, body, event: 'push' })) }
      for (const s of servers) await run(s.port, body, headers, 2)
      const ratios = new Map<FastifyRoute, number[]>()
      const rps = new Map<FastifyRoute, number[]>()
      for (let round = 0; round < rounds; round++) {
        const order = servers.map((_, i) => servers[(i + round) % servers.length] as (typeof servers)[number])
        const got = new Map<FastifyRoute, number>()
        for (const s of order) got.set(s.route, await run(s.port, body, headers, seconds))
        for (const [route, value] of got) {
          ;(rps.get(route) ?? rps.set(route, []).get(route))?.push(value)
          ;(ratios.get(route) ?? ratios.set(route, []).get(route))?.push(value / (got.get('hand') as number))
        }
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
      for (const route of routes) {
        const r = ratios.get(route) as number[]
        console.log(
          `fastify ${label(size)} ${route}: ${Math.round(median(rps.get(route) as number[]))} req/s, ${median(r).toFixed(2)}x hand (${Math.min(...r).toFixed(2)}-${Math.max(...r).toFixed(2)})`,
        )
      }
    }
  } finally {
    for (const s of servers) s.kill()
  }
}
