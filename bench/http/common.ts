/**
 * What every framework's bench server shares (bench/http/<framework>.ts): the route to serve, the
 * body limit, the hand-written check, hookproof's options per route, the adapter as shipped, and
 * the handled-request counter the parent reads over IPC.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { load } from '../lib/build.js'
import { type Api, SECRET } from '../lib/fixtures.js'

/**
 * The routes every framework file serves on POST /webhook, all answering 204 from one handler.
 * `hand-middleware` is the hand-written check where the adapter sits (a Hono middleware, a Nest
 * guard, a Koa middleware calling `next`): the framework's price for that shape, which the
 * adapter pays too. Express and Fastify check by hand in a middleware (a `preValidation` hook)
 * already, and Next's wrappers are a plain call, so there it is `hand` and they skip it ({@link sameAsHand}).
 */
export const ROUTES = ['bare', 'hand', 'hand-middleware', 'core-check', 'hookproof', 'hookproof-store'] as const
export type Route = (typeof ROUTES)[number]

/** Body limit of every route: the bench's bodies (up to 64 KiB) fit far below it. */
export const LIMIT = 5 * 1024 * 1024

/** Requests a route's handler ran for: the parent checks that a replay store dropped none. */
export const counter = { handled: 0 }

/** The hand-written check: what a careful receiver writes without a library; `undefined` when it fails. */
export function handVerify(body: Buffer | undefined, header: unknown): unknown {
  if (body === undefined || typeof header !== 'string' || !header.startsWith('sha256=')) return undefined
  const expected = Buffer.from(header.slice(7), 'hex')
  const mac = createHmac('sha256', SECRET).update(body).digest()
  if (expected.length !== mac.length || !timingSafeEqual(mac, expected)) return undefined
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
}

/** The `hand-middleware` skip of a framework whose `hand` route has the adapter's shape already. */
export function sameAsHand(framework: string): Error {
  return Object.assign(new Error(`${framework}'s hand route is a middleware already`), { code: 'HOOKPROOF_BENCH_SKIP' })
}

/** `hookproof-store` keeps the adapters' default replay store (a MemoryReplayStore); `hookproof` has none. */
export function hookproofOptions(route: Route): { provider: 'github'; secret: string; replayStore?: false; limit: number } {
  return route === 'hookproof-store'
    ? { provider: 'github', secret: SECRET, limit: LIMIT }
    : { provider: 'github', secret: SECRET, replayStore: false, limit: LIMIT }
}

/** Core's `createVerifier` as shipped, for the `core-check` route. */
export async function coreVerifier() {
  const { createVerifier } = (await load<Api>('core-node')) as Api
  return createVerifier({ provider: 'github', secret: SECRET })
}

/**
 * An adapter as shipped (bench/lib/build.ts, `ENTRIES`); a clear skip while it is not written
 * yet. Add the package's entry to `ENTRIES` so it is built.
 */
export async function adapter<T>(name: string): Promise<T> {
  const mod = await load<T>(name as never)
  if (mod === undefined) throw Object.assign(new Error(`@hookproof/${name} has no sources yet`), { code: 'ERR_MODULE_NOT_FOUND' })
  return mod
}
