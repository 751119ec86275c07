/**
 * The Hono 4 server of the HTTP bench (`@hono/node-server`), one route per process as
 * bench/http/server.ts runs them; every route answers 204 from the same handler on POST /webhook:
 *   bare             c.req.arrayBuffer(), no verification (the framework's ceiling)
 *   hand             c.req.arrayBuffer() + createHmac + timingSafeEqual + JSON.parse, written by hand
 *   hand-middleware  the same check in a middleware before the handler (verifyWebhook()'s shape)
 *   hookproof        verifyWebhook() from @hookproof/hono, replayStore: false
 *   hookproof-store  verifyWebhook() with its default MemoryReplayStore (every request a new delivery: its own body, MAC and id)
 *   core-check       the hand route with core's createVerifier().check() instead of the HMAC
 *                    (hookproof minus core-check = what the adapter itself costs)
 */

import type { Server } from 'node:http'
import { load } from '../lib/build.js'
import { type Api, SECRET } from '../lib/fixtures.js'
import { counter, handVerify, LIMIT, type Route } from './common.js'

export type HonoRoute = Route

type Adapter = typeof import('../../packages/hono/src/index.js')

/**
 * Starts the Hono app for `route` on 127.0.0.1, port 0; `handled` is called once per request the
 * handler ran for. bench/http/server.ts adds it as `hono: () => hono(route as HonoRoute, () => handled++)`.
 *
 * @example
 * const server = await hono('hookproof', () => handled++)
 */
export async function hono(route: HonoRoute, handled: () => void): Promise<Server> {
  const { Hono } = await import('hono')
  const { serve } = await import('@hono/node-server')
  const app = new Hono()
  const handler = (c: { body(b: null, status: 204): Response }) => {
    handled()
    return c.body(null, 204)
  }
  if (route === 'bare') {
    app.post('/webhook', async (c) => {
      await c.req.arrayBuffer()
      return handler(c)
    })
  } else if (route === 'hand') {
    app.post('/webhook', async (c) => {
      const body = Buffer.from(await c.req.arrayBuffer())
      const payload = handVerify(body, c.req.header('x-hub-signature-256'))
      if (payload === undefined) return c.body(null, 401)
      return handler(c)
    })
  } else if (route === 'hand-middleware') {
    // the hand-written check as a middleware before the handler, the shape verifyWebhook() has
    app.post(
      '/webhook',
      async (c, next) => {
        const body = Buffer.from(await c.req.arrayBuffer())
        const payload = handVerify(body, c.req.header('x-hub-signature-256'))
        if (payload === undefined) return c.body(null, 401)
        c.set('payload' as never, payload as never)
        await next()
      },
      handler,
    )
  } else if (route === 'core-check') {
    const { createVerifier } = (await load<Api>('core-node')) as Api
    const verifier = createVerifier({ provider: 'github', secret: SECRET })
    app.post('/webhook', async (c) => {
      const body = Buffer.from(await c.req.arrayBuffer())
      const result = await verifier.check({ body, headers: c.req.raw.headers })
      if (!result.ok) return c.body(null, result.status as 401)
      return handler(c)
    })
  } else {
    const mod = await load<Adapter>('hono')
    if (mod === undefined) throw Object.assign(new Error('@hookproof/hono has no sources yet'), { code: 'ERR_MODULE_NOT_FOUND' })
    const options = route === 'hookproof-store' ? {} : { replayStore: false as const }
    app.post('/webhook', mod.verifyWebhook({ provider: 'github', secret: SECRET, limit: LIMIT, ...options }), handler)
  }
  return serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
}

/** The factory bench/http/server.ts loads: counts each handled request for the parent. */
export default (route: HonoRoute): Promise<Server> =>
  hono(route, () => {
    counter.handled++
  })
