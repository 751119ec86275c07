import type { RequestListener } from 'node:http'
import fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import fastify4 from 'fastify4'
import type { AdapterFixture } from '../../core/test/adapter-suite/index.js'
import { type WebhookPlugin, webhookPlugin } from '../src/index.js'

export type FastifyFactory = typeof fastify

/** What a Fastify route handler gets, for the tests of Fastify's own behaviour. */
export interface FastifyNative {
  request: FastifyRequest
  reply: FastifyReply
}

/**
 * The app as a Node request listener, for supertest and the suite's servers: Fastify routes only
 * once `ready()` has loaded every plugin, so each request waits for it first.
 */
export function listener(app: FastifyInstance): RequestListener {
  const ready = app.ready()
  return (req, res) => {
    ready.then(
      () => app.routing(req, res),
      (error: unknown) => {
        res.statusCode = 500
        res.end(String(error))
      },
    )
  }
}

/**
 * Mounts each route the way the README does, each in its own scope:
 * `app.register(async (scope) => { await scope.register(plugin); scope.all(path, handler) })`.
 * The suite's `before` gets the server options (how Fastify is told `trustProxy`).
 */
function fixture(framework: FastifyFactory): AdapterFixture<FastifyServerOptions, WebhookPlugin, FastifyNative> {
  return {
    verifyWebhook: webhookPlugin,
    app(routes, handler, before) {
      const options: FastifyServerOptions = { logger: false }
      before?.(options)
      const app = framework(options)
      for (const [path, plugin] of Object.entries(routes)) {
        app.register(async (scope) => {
          await scope.register(plugin)
          scope.all(path, async (request, reply) => {
            const send = (status: number, body?: unknown) => reply.code(status).send(body)
            await handler(send, { webhook: request.webhook, body: request.body }, { request, reply })
            return reply
          })
        })
      }
      return listener(app as FastifyInstance)
    },
  }
}

/** Both majors, each test runs against both: name, the `fastify` export, the suite's fixture. */
export const FASTIFY = [
  ['Fastify 5', fastify, fixture(fastify)],
  ['Fastify 4', fastify4, fixture(fastify4)],
] as const
