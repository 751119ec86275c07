/**
 * Next.js App Router (node runtime) in the HTTP bench: the app of bench/next-app, built with
 * `next build` (bench/lib/next.ts; run.ts builds it before the servers start) and served in this
 * process by Next's own request handler on a plain node:http server. Each route process sends
 * every request to its route's file (`/webhook/<route>`): `hand` is a hand-written route handler,
 * `hookproof` `withWebhook()` from @hookproof/next as shipped (its dist build).
 */
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import { builtNextApp, nextEnv } from '../lib/next.js'
import { counter, type Route, sameAsHand } from './common.js'

/** The bench app's build directory under node_modules/.cache. */
export const NEXT_BENCH_APP = 'hookproof-next-bench'

/** A server that hands every request to Next with its URL set to `path`. */
export async function nextServer(path: string): Promise<Server> {
  const dir = builtNextApp(NEXT_BENCH_APP)
  if (dir === undefined)
    throw Object.assign(new Error('the bench Next app is not built (run.ts builds it)'), { code: 'ERR_MODULE_NOT_FOUND' })
  Object.assign(process.env, nextEnv())
  const next = createRequire(import.meta.url)('next') as (options: { dev: boolean; dir: string }) => {
    prepare(): Promise<void>
    getRequestHandler(): (req: unknown, res: unknown) => Promise<void>
  }
  const app = next({ dev: false, dir })
  await app.prepare()
  const handle = app.getRequestHandler()
  Object.defineProperty(counter, 'handled', {
    get: () => (globalThis as { __hookproofBenchHandled?: number }).__hookproofBenchHandled ?? 0,
  })
  const server = createServer((req, res) => {
    req.url = path
    void handle(req, res)
  })
  return server.listen(0, '127.0.0.1')
}

/** The factory bench/http/server.ts loads. */
export default async (route: Route): Promise<Server> => {
  if (route === 'hand-middleware') throw sameAsHand('Next (App Router)')
  return nextServer(`/webhook/${route}`)
}
