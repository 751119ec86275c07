import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { All, Controller, type INestApplication, Module, Req, Res, type Type } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import { afterAll } from 'vitest'
import type { AdapterFixture, Handler, Reply } from '../../core/test/adapter-suite/index.js'
import { type NestRequest, VerifyWebhook, Webhook, type WebhookDecorator } from '../src/index.js'

export type Platform = 'express' | 'fastify'

/** How a test app is created: what `before` may change ahead of `NestFactory.create`. */
export interface NestSetup {
  readonly platform: Platform
  /** `NestFactory.create(AppModule, { rawBody })`; `true` unless a test turns it off. */
  rawBody: boolean
  /** Nest's own body parser (`bodyParser: false` leaves the stream to the adapter). */
  bodyParser: boolean
  /** Express `trust proxy` / Fastify `trustProxy`. */
  trustProxy: boolean
  /** Nest's body parser limit, in bytes: raised for the suite's 1 MiB and 5 MiB deliveries. */
  parserLimit: number
  /** Guards, interceptors or filters to add to the app, before `init()`. */
  configure?: (app: INestApplication) => void
}

/** What a suite handler gets natively: the platform's request and response (Express or Fastify). */
export interface NestNative {
  req: NestRequest
  res: unknown
  platform: Platform
}

const apps: INestApplication[] = []
afterAll(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

/**
 * Creates, initialises and registers a Nest app for `controllers` on `platform`, and returns it with
 * the Node request listener that serves it (the Express app, or Fastify's router once ready).
 */
export async function createApp(setup: NestSetup, controllers: Type[]): Promise<{ app: INestApplication; listener: RequestListener }> {
  @Module({ controllers })
  class AppModule {}
  const options = { rawBody: setup.rawBody, bodyParser: setup.bodyParser, logger: false as const }
  let app: INestApplication
  if (setup.platform === 'express') {
    const express = await NestFactory.create<NestExpressApplication>(AppModule, new ExpressAdapter(), options)
    if (setup.trustProxy) express.set('trust proxy', true)
    if (setup.bodyParser) {
      express.useBodyParser('json', { limit: setup.parserLimit })
      express.useBodyParser('urlencoded', { limit: setup.parserLimit, extended: true })
    }
    app = express
  } else {
    app = await NestFactory.create(AppModule, new FastifyAdapter({ trustProxy: setup.trustProxy, bodyLimit: setup.parserLimit }), options)
  }
  apps.push(app)
  setup.configure?.(app)
  await app.init()
  const instance = app.getHttpAdapter().getInstance()
  if (setup.platform === 'express') return { app, listener: instance as RequestListener }
  const fastify = instance as { ready(): Promise<unknown>; routing(req: IncomingMessage, res: ServerResponse): void }
  await fastify.ready()
  return { app, listener: (req, res) => fastify.routing(req, res) }
}

/** A listener that waits for the app to be created, so a fixture can return one synchronously. */
export function lazyListener(ready: Promise<{ listener: RequestListener }>): RequestListener {
  return (req, res) => {
    ready.then(
      ({ listener }) => listener(req, res),
      (error: unknown) => {
        res.statusCode = 599
        res.end(String(error))
      },
    )
  }
}

/** The suite's `reply` on the platform's native response (the route uses `@Res()`, so Nest sends nothing itself). */
function replyOn(platform: Platform, res: unknown): Reply {
  if (platform === 'express') {
    const r = res as { sendStatus(s: number): void; status(s: number): { json(b: unknown): void } }
    return (status, body) => (body === undefined ? r.sendStatus(status) : r.status(status).json(body))
  }
  const r = res as { code(s: number): { send(b?: unknown): void } }
  return (status, body) => r.code(status).send(body)
}

/**
 * A controller for one route, built the way the decorators would build it:
 * `@All(path) @VerifyWebhook(...) handle(@Webhook() webhook, @Req() req, @Res() res)`.
 */
export function hookController(path: string, decorator: MethodDecorator, platform: Platform, handler: Handler<NestNative>): Type {
  class HookController {
    async handle(webhook: unknown, req: NestRequest, res: unknown) {
      return handler(replyOn(platform, res), { webhook: webhook as NestRequest['webhook'], body: req.body }, { req, res, platform })
    }
  }
  const proto = HookController.prototype
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'handle') as PropertyDescriptor
  All(path)(proto, 'handle', descriptor)
  decorator(proto, 'handle', descriptor)
  Webhook()(proto, 'handle', 0)
  Req()(proto, 'handle', 1)
  Res()(proto, 'handle', 2)
  Controller()(HookController)
  return HookController
}

/** The shared adapter suite's fixture for one platform: each route is a controller method decorated with `@VerifyWebhook()`. */
export function fixture(platform: Platform, defaults: Partial<NestSetup> = {}): AdapterFixture<NestSetup, WebhookDecorator, NestNative> {
  return {
    verifyWebhook: (options) => VerifyWebhook(options),
    app(routes, handler, before) {
      const setup: NestSetup = { platform, rawBody: true, bodyParser: true, trustProxy: false, parserLimit: 16 * 1024 * 1024, ...defaults }
      before?.(setup)
      const controllers = Object.entries(routes).map(([path, decorator]) => hookController(path, decorator, platform, handler))
      return lazyListener(createApp(setup, controllers))
    },
  }
}

/** Both platforms; the project (`nestjs` or `nestjs-11`) decides which Nest major they run on. */
export const PLATFORMS = [
  ['Express platform', 'express', fixture('express')],
  ['Fastify platform', 'fastify', fixture('fastify')],
] as const

/**
 * Fastify's own recipe for raw bodies: one parser for every content type that keeps the Buffer,
 * instead of Fastify's JSON and text parsers (which Nest's `bodyParser: false` leaves in place).
 */
export function rawFastifyParser(app: INestApplication): void {
  const fastify = app.getHttpAdapter().getInstance() as {
    removeAllContentTypeParsers(): void
    addContentTypeParser(
      type: string,
      options: { parseAs: 'buffer' },
      parser: (req: unknown, body: Buffer, done: (e: null, b: Buffer) => void) => void,
    ): void
  }
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))
}

/**
 * Both platforms with no JSON parsing before the route: Express with `bodyParser: false` (the
 * adapter reads the stream itself), Fastify with a raw Buffer parser for every content type. A
 * signed body that is not valid JSON, or of a content type Nest has no parser for, then reaches
 * verification; with `rawBody: true`, Nest's JSON parser answers its own 400 (and Fastify a 415
 * for other content types) before any route code runs.
 */
export const UNPARSED = [
  ['Express platform, bodyParser: false', 'express', fixture('express', { bodyParser: false, rawBody: false })],
  [
    'Fastify platform, raw Buffer parser',
    'fastify',
    fixture('fastify', { bodyParser: false, rawBody: false, configure: rawFastifyParser }),
  ],
] as const
