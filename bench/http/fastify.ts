/**
 * The Fastify rows of the HTTP bench: `fastify(route)` builds one server for one route, as
 * `express()` and `koa()` in bench/http/server.ts do (all answer 204 on POST /webhook):
 *   bare             raw body read (a catch-all `parseAs: 'buffer'` parser), no verification
 *   hand             the same Buffer + createHmac + timingSafeEqual + JSON.parse in a preValidation
 *                    hook, written by hand the way a careful Fastify user would
 *   hookproof        `scope.register(verifyWebhook, ...)`, replayStore: false
 *   hookproof-store  the same with the default MemoryReplayStore (every request a new delivery: its own body, MAC and id)
 *   core-check       the hand route with core's createVerifier().check() instead of the HMAC
 * Each route sits in its own scope, as a user's webhook routes would. `onHandled` counts the
 * requests the handler ran for.
 */

import type { Server } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { load } from '../lib/build.js'
import { type Api, SECRET } from '../lib/fixtures.js'
import { counter, handVerify, LIMIT, type Route, sameAsHand } from './common.js'

type Adapter = typeof import('../../packages/fastify/src/index.js')
export type FastifyRoute = Route

/** A scope whose every content type arrives as a Buffer of at most LIMIT bytes. */
function rawScope(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: LIMIT }, (_request, body, done) => done(null, body))
}

/**
 * One Fastify 5 server for `route`, starting to listen on 127.0.0.1 on a free port.
 *
 * @example
 * const server = await fastify('hookproof', () => handled++)
 */
export async function fastify(route: FastifyRoute, onHandled: () => void = () => {}): Promise<Server> {
  if (route === 'hand-middleware') throw sameAsHand('Fastify')
  const { default: Fastify } = await import('fastify')
  const app = Fastify({ logger: false })
  const handler = async (_request: FastifyRequest, reply: FastifyReply) => {
    onHandled()
    return reply.code(204).send()
  }
  if (route === 'hookproof' || route === 'hookproof-store') {
    const mod = await load<Adapter>('fastify')
    if (mod === undefined) throw Object.assign(new Error('@hookproof/fastify has no sources yet'), { code: 'ERR_MODULE_NOT_FOUND' })
    const options = route === 'hookproof-store' ? {} : { replayStore: false as const }
    app.register(async (scope) => {
      await scope.register(mod.verifyWebhook, { provider: 'github', secret: SECRET, limit: LIMIT, ...options })
      scope.post('/webhook', handler)
    })
  } else if (route === 'hand' || route === 'core-check') {
    const verifier =
      route === 'core-check' ? ((await load<Api>('core-node')) as Api).createVerifier({ provider: 'github', secret: SECRET }) : undefined
    app.register(async (scope) => {
      rawScope(scope)
      scope.addHook('preValidation', async (request, reply) => {
        const body = request.body as Buffer
        if (verifier !== undefined) {
          const result = await verifier.check({ body, headers: request.headers })
          if (!result.ok) return reply.code(result.status).send()
          request.body = result.webhook.payload
          return
        }
        const payload = handVerify(body, request.headers['x-hub-signature-256'])
        if (payload === undefined) return reply.code(401).send()
        request.body = payload
      })
      scope.post('/webhook', handler)
    })
  } else {
    app.register(async (scope) => {
      rawScope(scope)
      scope.post('/webhook', handler)
    })
  }
  // like express(): the server starts listening, and emits 'listening' after this returns
  await app.ready()
  return app.server.listen(0, '127.0.0.1')
}

/** The factory bench/http/server.ts loads: counts each handled request for the parent. */
export default (route: FastifyRoute): Promise<Server> =>
  fastify(route, () => {
    counter.handled++
  })
