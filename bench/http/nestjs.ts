/**
 * The Nest servers of bench/http/server.ts: `nestjs(route)` on the Express platform,
 * `nestjs(route, 'fastify')` on Fastify. Every route is a Nest app created with `rawBody: true`
 * (the setup @hookproof/nestjs documents), answering 204 on POST /webhook:
 *   bare             Nest's body parser with rawBody, no verification (the platform's ceiling)
 *   hand             req.rawBody + createHmac + timingSafeEqual + JSON.parse, written by hand
 *   hand-middleware  the same check in the route's guard (@VerifyWebhook()'s shape)
 *   hookproof        @VerifyWebhook({ replayStore: false })
 *   hookproof-store  @VerifyWebhook() with its default MemoryReplayStore
 *   core-check       the hand route with core's createVerifier().check() instead of the HMAC
 * The decorators are applied as functions, so this file needs no decorator transform.
 * server.ts wires it with `const builders = { express, koa, nestjs: () => nestjs(route), 'nestjs-fastify': () => nestjs(route, 'fastify') }`.
 */

import type { Server } from 'node:http'
import { SECRET } from '../lib/fixtures.js'
import { adapter, coreVerifier, counter, handVerify, LIMIT } from './common.js'

let handled = 0

/** Requests the handler ran, for server.ts's stats message. */
export const nestHandled = () => handled

interface RawRequest {
  rawBody?: Buffer
  headers: Record<string, unknown>
}

/**
 * Starts one Nest app for `route` on 127.0.0.1 (port 0).
 *
 * @example
 * const server = await nestjs('hookproof', 'fastify')
 */
export async function nestjs(route: string, platform: 'express' | 'fastify' = 'express'): Promise<Server> {
  const common = await import('@nestjs/common')
  const { NestFactory } = await import('@nestjs/core')
  const { Controller, HttpCode, HttpException, Module, Post, Req } = common

  class WebhookController {
    async handle(req: RawRequest) {
      if (route === 'hand') {
        const payload = handVerify(req.rawBody, req.headers['x-hub-signature-256'])
        if (payload === undefined) throw new HttpException('', 401)
      } else if (route === 'core-check') {
        const result = await check({ body: req.rawBody ?? Buffer.alloc(0), headers: req.headers as Record<string, string> })
        if (!result.ok) throw new HttpException('', result.status ?? 401)
      }
      handled++
    }
  }
  let check: (input: { body: Buffer; headers: Record<string, string> }) => Promise<{ ok: boolean; status?: number }>
  if (route === 'core-check') {
    const verifier = await coreVerifier()
    check = async (input) => {
      const result = await verifier.check(input)
      return result.ok ? { ok: true } : { ok: false, status: result.status }
    }
  }
  const proto = WebhookController.prototype
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'handle') as PropertyDescriptor
  const decorators: MethodDecorator[] = [Post('webhook'), HttpCode(204)]
  if (route === 'hand-middleware') {
    // the hand-written check as the route's guard, the shape @VerifyWebhook() has
    const guard = {
      canActivate(context: { switchToHttp(): { getRequest(): RawRequest } }): boolean {
        const req = context.switchToHttp().getRequest()
        const payload = handVerify(req.rawBody, req.headers['x-hub-signature-256'])
        if (payload === undefined) throw new HttpException('', 401)
        ;(req as RawRequest & { webhook?: unknown }).webhook = payload
        return true
      },
    }
    decorators.push(common.UseGuards(guard))
  }
  if (route === 'hookproof' || route === 'hookproof-store') {
    // as shipped (bench/lib/build.ts): tsx's keepNames would add a __name() call per closure
    const { VerifyWebhook } = await adapter<typeof import('../../packages/nestjs/src/index.js')>('nestjs')
    const store = route === 'hookproof-store' ? {} : { replayStore: false as const }
    decorators.push(VerifyWebhook({ provider: 'github', secret: SECRET, limit: LIMIT, ...store }))
  }
  for (const decorate of decorators) decorate(proto, 'handle', descriptor)
  Req()(proto, 'handle', 0)
  Controller()(WebhookController)
  class AppModule {}
  Module({ controllers: [WebhookController] })(AppModule)

  const options = { rawBody: true, logger: false as const }
  let app: Awaited<ReturnType<typeof NestFactory.create>>
  if (platform === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify')
    app = await NestFactory.create(AppModule, new FastifyAdapter({ bodyLimit: LIMIT }), options)
  } else {
    const { ExpressAdapter } = await import('@nestjs/platform-express')
    const express = await NestFactory.create(AppModule, new ExpressAdapter(), options)
    // biome-ignore lint/correctness/useHookAtTopLevel: Nest's useBodyParser, not a React hook
    ;(express as unknown as { useBodyParser(type: string, options: { limit: number }): void }).useBodyParser('json', { limit: LIMIT })
    app = express
  }
  await app.listen(0, '127.0.0.1')
  return app.getHttpServer() as Server
}

/** The factory bench/http/server.ts loads (Express platform); the parent reads the count through `counter`. */
export default (route: string): Promise<Server> => {
  Object.defineProperty(counter, 'handled', { get: nestHandled })
  return nestjs(route)
}
