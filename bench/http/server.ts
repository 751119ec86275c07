/**
 * One HTTP server per process: `node --import tsx bench/http/server.ts <framework> <route>`.
 * The server itself comes from `bench/http/<framework>.ts`, which exports an async factory
 * `(route) => http.Server` (as its default export, or named after the framework or `server`),
 * listening on 127.0.0.1:0 and serving POST /webhook on every route of `ROUTES` (common.ts):
 *   bare             raw body read, no verification (the framework's ceiling)
 *   hand             raw body + createHmac + timingSafeEqual + JSON.parse, written by hand
 *   hand-middleware  the same check where the adapter sits (a middleware, a guard); see common.ts
 *   hookproof        hookproof's middleware, replayStore: false
 *   hookproof-store  hookproof's middleware with a MemoryReplayStore (every request a new delivery: its own body, MAC and id)
 *   core-check       the hand route with core's createVerifier().check() instead of the HMAC
 *                    (hookproof minus core-check = what the adapter itself costs)
 * all answering 204 from one handler that counts `counter.handled`. Tells the parent its port over
 * IPC: { port }, or { skip: reason } when the framework or its adapter is missing.
 */
import { existsSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { counter, ROUTES, type Route } from './common.js'

type Factory = (route: Route) => Promise<Server>

const [framework, route] = process.argv.slice(2)

/** The factory of `bench/http/<framework>.ts`; `undefined` when there is no such file. */
async function factory(name: string): Promise<Factory | undefined> {
  if (!/^[a-z0-9-]+$/.test(name)) return undefined
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url))
  if (!existsSync(file)) return undefined
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>
  const fn = mod.default ?? mod[name] ?? mod.server
  return typeof fn === 'function' ? (fn as Factory) : undefined
}

try {
  const build = framework === undefined ? undefined : await factory(framework)
  if (build === undefined || !(ROUTES as readonly string[]).includes(route ?? '')) {
    throw new Error(`usage: server.ts <framework with a bench/http/<framework>.ts> <${ROUTES.join('|')}>, got ${framework} ${route}`)
  }
  const server = await build(route as Route)
  server.keepAliveTimeout = 60_000
  const ready = () => {
    const port = (server.address() as AddressInfo).port
    if (process.send) process.send({ port })
    else console.log(`${framework} ${route} listening on http://127.0.0.1:${port}/webhook`)
  }
  if (server.listening) ready()
  else server.once('listening', ready)
  // a normal exit, so that --cpu-prof (see bench/README.md) writes its profile
  process.once('SIGTERM', () => {
    server.closeAllConnections()
    server.close(() => process.exit(0))
  })
  process.on('message', (message: { cmd?: string }) => {
    if (message.cmd === 'stats') {
      const cpu = process.cpuUsage()
      process.send?.({ handled: counter.handled, cpuUs: cpu.user + cpu.system })
    }
  })
} catch (error) {
  const code = (error as { code?: string }).code
  const message = String((error as Error).message ?? error).split('\n')[0]
  const missing = code === 'ERR_MODULE_NOT_FOUND' || /Cannot find|not found|does not provide/i.test(String(error))
  process.send?.({
    skip:
      code === 'HOOKPROOF_BENCH_SKIP'
        ? `${framework} ${route}: ${message}`
        : `${framework} ${route}: ${missing ? 'adapter not available yet' : 'failed to start'} (${message})`,
  })
  process.exitCode = 0
  setTimeout(() => process.exit(), 50)
}
