import type { HeadersInput, VerifiedWebhook, WebhookVerificationError } from '@hookproof/core'
import {
  createWebhookFlow,
  type Failure,
  type FlowHooks,
  type FlowRequest,
  type FlowResponse,
  nodeRequestHeaders,
  routeOptions,
  type WebhookFlow,
  whenAnswered,
} from '@hookproof/core/adapter'
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { type BodyLimits, bodyParser, readRawBody } from './body.js'
import type { FastifyWebhookOptions, WebhookPlugin } from './types.js'

/** The options compiled once at registration: checked, the flow built. */
interface Compiled {
  flow: WebhookFlow
  /** The limit in bytes and the body-read timeout in ms. */
  body: BodyLimits
  /** `publicUrl` as a function, or as a base without trailing slashes. */
  urlOf: ((request: FastifyRequest) => string) | undefined
  base: string | undefined
}

// What fastify-plugin sets, without depending on it: skip-override makes the plugin act on the
// scope it is registered in (its parsers and hooks), not on a child context of its own.
const SKIP_OVERRIDE = Symbol.for('skip-override')
const DISPLAY_NAME = Symbol.for('fastify.display-name')
const META = Symbol.for('plugin-meta')
const PLUGIN_META = { name: '@hookproof/fastify', fastify: '4.x || 5.x' }

/**
 * Fastify 4 and 5 plugin for the scope of the webhook routes. Registered with `scope.register`, it
 * acts on that scope itself (skip-override, as fastify-plugin does), not on a child: every route of
 * the scope reads the raw body through hookproof's own content-type parser (the rest of the app
 * keeps Fastify's JSON parsing), is verified, and its delivery claimed, before the route handler
 * runs with `request.webhook` and `request.body = payload`. Rejections answer
 * `application/problem+json`; a processed duplicate answers 200 without calling the handler, one
 * in flight 409 with `Retry-After`. The claim is held until the handler has answered (an async
 * handler's return, `reply.send` later, or the error handler's answer), even when the client
 * disconnected first; a throw or a 5xx releases it so the sender's retry is processed. A body not
 * complete within `bodyTimeoutMs` is answered 408 `BODY_TIMEOUT`. Without options, secrets come
 * from `*_WEBHOOK_SECRET`. `scope.hookproof.on(type, listener)` subscribes to its events.
 *
 * @example
 * app.register(async (scope) => {
 *   await scope.register(verifyWebhook, { provider: 'orchest', secret: process.env.ORCHEST_WEBHOOK_SECRET })
 *   scope.hookproof.on('rejected', (e) => scope.log.warn({ code: e.code }, 'webhook rejected'))
 *   scope.post('/webhooks/orchest', async (request, reply) => {
 *     console.log(request.webhook?.event, request.body)
 *     return reply.code(204).send()
 *   })
 * })
 * @throws {TypeError} from `register`/`ready()` on a bad configuration, or with no options and no secret in the environment.
 */
export const verifyWebhook: FastifyPluginCallback<FastifyWebhookOptions> = asPlugin(function verifyWebhook(scope, options, done) {
  let compiled: Compiled
  try {
    compiled = compile(options)
  } catch (error) {
    done(error as Error)
    return
  }
  install(scope, compiled, done)
})

/**
 * The same plugin with its options checked now: a bad configuration throws `TypeError` at this
 * call rather than at `ready()`, and `on` is there before the app starts.
 *
 * @example
 * const webhooks = webhookPlugin({ provider: 'github', secret: process.env.GITHUB_WEBHOOK_SECRET })
 * webhooks.on('verified', (e) => console.info('delivery', e.deliveryId, e.status))
 * app.register(async (scope) => {
 *   await scope.register(webhooks)
 *   scope.post('/webhooks/github', async (request) => ({ received: request.webhook?.event }))
 * })
 * @throws {TypeError} on a bad configuration, or with no options and no secret in the environment.
 */
export function webhookPlugin(options: FastifyWebhookOptions = {}): WebhookPlugin {
  const compiled = compile(options)
  const plugin = asPlugin(function hookproofWebhook(scope: FastifyInstance, _options: unknown, done: (error?: Error) => void) {
    install(scope, compiled, done)
  })
  return Object.assign(plugin, { on: compiled.flow.on })
}

function asPlugin<T extends object>(fn: T): T {
  return Object.assign(fn, { [SKIP_OVERRIDE]: true, [DISPLAY_NAME]: '@hookproof/fastify', [META]: PLUGIN_META })
}

/** Checks the adapter's options and builds the flow from the rest; Fastify's own register options are not ours. */
function compile(options: FastifyWebhookOptions = {}): Compiled {
  const { maxBytes, timeoutMs, urlOf, base, flowOptions } = routeOptions<FastifyRequest, FastifyWebhookOptions>(options)
  // register() options Fastify itself reads; skip-override ignores them, the verifier must not see them
  const {
    prefix: _prefix,
    logLevel: _logLevel,
    logSerializers: _logSerializers,
    ...verifierOptions
  } = flowOptions as typeof flowOptions & {
    prefix?: unknown
    logLevel?: unknown
    logSerializers?: unknown
  }
  const flow = createWebhookFlow(verifierOptions)
  return { flow, body: { limit: maxBytes, timeoutMs }, urlOf, base }
}

/** Puts the parser, the hook and the decorators on `scope` itself. */
function install(scope: FastifyInstance, compiled: Compiled, done: (error?: Error) => void): void {
  if (scope.hasDecorator('hookproof')) {
    done(
      new TypeError(
        'verifyWebhook is already registered in this scope or a parent one: register each provider in its own sibling scope, app.register(async (scope) => { ... })',
      ),
    )
    return
  }
  scope.decorate('hookproof', { on: compiled.flow.on })
  if (!scope.hasRequestDecorator('webhook')) scope.decorateRequest('webhook', undefined)
  // every content type of this scope, the inherited JSON and text parsers included, is read raw
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('*', bodyParser(compiled.body))
  // preValidation: after parsing and before a route's schema, which then validates the verified payload
  scope.addHook('preValidation', (request, reply, next) => runFlow(compiled, request, reply, next))
  done()
}

/** One request through core's flow; `next` goes on to validation and the route handler, or to Fastify's error handler. */
function runFlow(compiled: Compiled, request: FastifyRequest, reply: FastifyReply, next: HookHandlerDoneFunction): void {
  const hooks = new FastifyHooks(compiled, request, reply, next)
  compiled.flow.run(hooks).catch((error: unknown) => {
    if (!hooks.nextCalled) next(error as Error)
  })
}

/**
 * The flow's hooks for one request, and its {@link FlowRequest}: one object per request, with no
 * closure; `url` is built only when a scheme signs it (Designer Cloud GET/DELETE).
 */
class FastifyHooks implements FlowHooks, FlowRequest {
  nextCalled = false

  constructor(
    readonly compiled: Compiled,
    readonly request: FastifyRequest,
    readonly reply: FastifyReply,
    readonly next: HookHandlerDoneFunction,
  ) {}

  readBody(): Promise<Uint8Array | Failure> | Uint8Array | Failure {
    return readRawBody(this.request, this.reply, this.compiled.body)
  }

  readRequest(): FlowRequest {
    return this
  }

  /** A header sent twice stays two values (headersDistinct only then: it costs an array per header). */
  get headers(): HeadersInput {
    return nodeRequestHeaders(this.request.raw)
  }

  get method(): string {
    return this.request.method
  }

  get url(): string {
    return requestUrl(this.compiled, this.request)
  }

  send({ status, headers, body }: FlowResponse): void {
    const reply = this.reply
    if (reply.sent) return
    reply.code(status).headers(headers).send(body)
  }

  forward(error: WebhookVerificationError): void {
    this.nextCalled = true
    this.next(error)
  }

  handle(webhook: VerifiedWebhook): Promise<number | undefined> {
    return new Promise((resolve) => {
      const request = this.request
      whenAnswered(this.reply.raw, resolve)
      request.webhook = webhook
      request.body = webhook.payload
      this.nextCalled = true
      this.next()
    })
  }
}

/**
 * The full URL as the sender called it, for schemes that sign it (Designer Cloud GET/DELETE):
 * `request.protocol` and the host follow Fastify's `trustProxy` (the host is `request.host` in
 * Fastify 5, `request.hostname` with its port in Fastify 4).
 */
function requestUrl({ urlOf, base }: Compiled, request: FastifyRequest): string {
  if (urlOf !== undefined) return urlOf(request)
  if (base !== undefined) return base + request.originalUrl
  const host = (request as { host?: string }).host ?? request.hostname
  return `${request.protocol}://${host}${request.originalUrl}`
}
