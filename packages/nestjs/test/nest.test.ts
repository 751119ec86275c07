import {
  type ArgumentsHost,
  BadRequestException,
  type CallHandler,
  type CanActivate,
  Catch,
  Controller,
  type ExceptionFilter,
  type ExecutionContext,
  HttpCode,
  HttpException,
  type INestApplication,
  type NestInterceptor,
  Post,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common'
import express from 'express'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { delivery, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { verifyWebhook as expressVerifyWebhook } from '../../express/src/index.js'
import { type NestRequest, type VerifiedWebhook, VerifyWebhook, Webhook, WebhookVerificationError } from '../src/index.js'
import { createApp, type NestSetup, type Platform } from './app.js'

const secret = SECRETS.orchest
const setup = (platform: Platform, more: Partial<NestSetup> = {}): NestSetup => ({
  platform,
  rawBody: true,
  bodyParser: true,
  trustProxy: false,
  parserLimit: 1024 * 1024,
  ...more,
})

describe.each(['express', 'fastify'] as const)('%s platform', (platform) => {
  it('@VerifyWebhook() with @HttpCode(204) and @Webhook() runs the handler with the verified delivery, once', async () => {
    const seen: VerifiedWebhook[] = []
    @Controller('webhooks')
    class WebhooksController {
      @Post('orchest')
      @VerifyWebhook({ provider: 'orchest', secret })
      @HttpCode(204)
      handle(@Webhook() webhook: VerifiedWebhook) {
        seen.push(webhook)
      }
    }
    const { listener } = await createApp(setup(platform), [WebhooksController])
    const d = await delivery('orchest')
    const first = await send(listener, d, '/webhooks/orchest')
    expect(first.status).toBe(204)
    expect(seen).toHaveLength(1)
    expect(seen[0]?.provider).toBe('orchest')
    expect(seen[0]?.payload).toEqual(d.payload)
    expect(Buffer.from(seen[0]?.rawBody as Uint8Array).toString()).toBe(d.body)
    const again = await send(listener, d, '/webhooks/orchest')
    expect([again.status, again.headers['content-type'], again.body.code]).toEqual([200, 'application/json', 'DUPLICATE_DELIVERY'])
    expect(seen).toHaveLength(1)
  })

  it('@VerifyWebhook() answers a rejection with the same bytes and content type as @hookproof/express, past a catch-all exception filter', async () => {
    @Catch()
    class EverythingFilter implements ExceptionFilter {
      catch(_error: unknown, host: ArgumentsHost) {
        const res = host
          .switchToHttp()
          .getResponse<{ status?: (n: number) => { json(b: unknown): void }; code?: (n: number) => { send(b: unknown): void } }>()
        // a FastifyReply has status() too, as an alias of code()
        if (res.code) res.code(418).send({ rewritten: true })
        else res.status?.(418).json({ rewritten: true })
      }
    }
    @Controller()
    class HookController {
      @Post('hook')
      @VerifyWebhook({ provider: 'orchest', secret })
      handle() {
        throw new BadRequestException('the filter sees this one')
      }
    }
    const { listener } = await createApp(setup(platform, { configure: (app) => app.useGlobalFilters(new EverythingFilter()) }), [
      HookController,
    ])
    const reference = express().post('/hook', expressVerifyWebhook({ provider: 'orchest', secret }), (_req, res) => {
      res.sendStatus(200)
    })
    const d = await delivery('orchest')
    const tampered = { ...d, body: `${d.body} ` }
    const [nest, expected] = [await send(listener, tampered), await send(reference, tampered)]
    expect(nest.status).toBe(401)
    expect(nest.headers['content-type']).toBe('application/problem+json')
    expect(nest.headers['content-type']).toBe(expected.headers['content-type'])
    expect(nest.text).toBe(expected.text)
    expect(JSON.parse(nest.text)).toMatchObject({ code: 'SIGNATURE_MISMATCH', status: 401 })
    // the handler's own HttpException still goes to the app's filter
    const handled = await send(listener, d)
    expect([handled.status, handled.body]).toEqual([418, { rewritten: true }])
  })

  it('@VerifyWebhook() without rawBody: true answers 500 BODY_ALREADY_PARSED naming NestFactory.create(AppModule, { rawBody: true })', async () => {
    let runs = 0
    @Controller()
    class HookController {
      @Post('hook')
      @VerifyWebhook({ provider: 'orchest', secret })
      handle() {
        runs++
      }
    }
    const { listener } = await createApp(setup(platform, { rawBody: false }), [HookController])
    const res = await send(listener, await delivery('orchest'))
    expect(res.status).toBe(500)
    expect(res.headers['content-type']).toBe('application/problem+json')
    expect(res.body.code).toBe('BODY_ALREADY_PARSED')
    expect(res.body.detail).toContain('NestFactory.create(AppModule, { rawBody: true })')
    expect(runs).toBe(0)
  })

  it('@VerifyWebhook() releases the claim when the handler throws, so the retry runs the handler again', async () => {
    let runs = 0
    @Controller()
    class HookController {
      @Post('hook')
      @VerifyWebhook({ provider: 'orchest', secret })
      @HttpCode(202)
      handle() {
        if (++runs === 1) throw new Error('database down')
      }
    }
    const { listener } = await createApp(setup(platform), [HookController])
    const d = await delivery('orchest')
    expect((await send(listener, d)).status).toBe(500)
    expect((await send(listener, d)).status).toBe(202)
    expect((await send(listener, d)).body.code).toBe('DUPLICATE_DELIVERY')
    expect(runs).toBe(2)
  })

  it('@VerifyWebhook() releases the claim on a 5xx HttpException and completes it on a 4xx one', async () => {
    const runs = { a: 0, b: 0 }
    @Controller()
    class HookController {
      @Post('a')
      @VerifyWebhook({ provider: 'orchest', secret })
      a() {
        if (++runs.a === 1) throw new HttpException('queue full', 503)
        return { queued: true }
      }

      @Post('b')
      @VerifyWebhook({ provider: 'orchest', secret })
      b() {
        runs.b++
        throw new HttpException('not for us', 422)
      }
    }
    const { listener } = await createApp(setup(platform), [HookController])
    const d = await delivery('orchest')
    expect((await send(listener, d, '/a')).status).toBe(503)
    const retry = await send(listener, d, '/a')
    expect([retry.status, retry.body]).toEqual([201, { queued: true }])
    expect((await send(listener, d, '/a')).body.code).toBe('DUPLICATE_DELIVERY')
    expect(runs.a).toBe(2)
    // below 500 the sender stops retrying: the delivery counts as processed
    expect((await send(listener, d, '/b')).status).toBe(422)
    const again = await send(listener, d, '/b')
    expect([again.status, again.body.code]).toEqual([200, 'DUPLICATE_DELIVERY'])
    expect(runs.b).toBe(1)
  })

  it("a user's guard runs before @VerifyWebhook(): a denied request takes no claim, and its interceptor inside sees the webhook", async () => {
    let allow = false
    const guardSaw: unknown[] = []
    const interceptorSaw: unknown[] = []
    class Gate implements CanActivate {
      canActivate(context: ExecutionContext) {
        guardSaw.push(context.switchToHttp().getRequest<NestRequest>().webhook)
        return allow
      }
    }
    class Inner implements NestInterceptor {
      intercept(context: ExecutionContext, next: CallHandler) {
        interceptorSaw.push(context.switchToHttp().getRequest<NestRequest>().webhook?.provider)
        return next.handle()
      }
    }
    let runs = 0
    @Controller()
    class HookController {
      @Post('hook')
      @UseGuards(Gate)
      @UseInterceptors(new Inner())
      @VerifyWebhook({ provider: 'orchest', secret })
      @HttpCode(204)
      handle(@Webhook('deliveryId') id: string) {
        runs++
        return id
      }
    }
    const { listener } = await createApp(setup(platform), [HookController])
    const d = await delivery('orchest')
    expect((await send(listener, d)).status).toBe(403)
    expect(runs).toBe(0)
    allow = true
    expect((await send(listener, d)).status).toBe(204)
    expect((await send(listener, d)).body.code).toBe('DUPLICATE_DELIVERY')
    expect(runs).toBe(1)
    expect(guardSaw).toEqual([undefined, undefined, undefined])
    expect(interceptorSaw).toEqual(['orchest'])
  })

  it("@VerifyWebhook({ onError: 'next' }) hands a WebhookVerificationError to the app's exception filter", async () => {
    const caught: unknown[] = []
    @Catch(WebhookVerificationError)
    class WebhookFilter implements ExceptionFilter {
      catch(error: WebhookVerificationError, host: ArgumentsHost) {
        caught.push(error)
        const res = host
          .switchToHttp()
          .getResponse<{ status?: (n: number) => { json(b: unknown): void }; code?: (n: number) => { send(b: unknown): void } }>()
        if (res.code) res.code(error.status).send({ mine: error.code })
        else res.status?.(error.status).json({ mine: error.code })
      }
    }
    @Controller()
    class HookController {
      @Post('hook')
      @VerifyWebhook({ provider: 'orchest', secret, onError: 'next' })
      handle() {}
    }
    const { listener } = await createApp(setup(platform, { configure: (app) => app.useGlobalFilters(new WebhookFilter()) }), [
      HookController,
    ])
    const d = await delivery('orchest')
    const res = await send(listener, { ...d, body: `${d.body} ` })
    expect([res.status, res.body]).toEqual([401, { mine: 'SIGNATURE_MISMATCH' }])
    expect(caught[0]).toBeInstanceOf(WebhookVerificationError)
  })

  it('@VerifyWebhook({ limit: 64 }) answers 413 BODY_TOO_LARGE for a body Nest already buffered', async () => {
    @Controller()
    class HookController {
      @Post('hook')
      @VerifyWebhook({ provider: 'orchest', secret, limit: 64 })
      handle() {}
    }
    const { listener } = await createApp(setup(platform), [HookController])
    const res = await send(listener, await delivery('orchest', { body: JSON.stringify({ pad: 'x'.repeat(100) }) }))
    expect([res.status, res.body.code]).toEqual([413, 'BODY_TOO_LARGE'])
  })

  it('@VerifyWebhook() on a body of a content type Nest has no parser for: read from the stream (Express), BODY_ALREADY_PARSED or 415 (Fastify)', async () => {
    const payloads: unknown[] = []
    @Controller()
    class HookController {
      @Post('hook')
      @VerifyWebhook({ provider: 'github', secret: SECRETS.github })
      handle(@Webhook('payload') payload: unknown) {
        payloads.push(payload)
      }
    }
    const { listener } = await createApp(setup(platform), [HookController])
    const res = await send(listener, await delivery('github', { body: 'plain text', contentType: 'text/plain' }))
    if (platform === 'express') {
      expect(res.status).toBe(201)
      expect(payloads).toEqual(['plain text'])
    } else {
      // Fastify's own text/plain parser keeps a string, not the bytes
      expect(res.status).toBe(500)
      expect(res.body.code).toBe('BODY_ALREADY_PARSED')
      expect(res.body.detail).toContain("app.useBodyParser('<content type>')")
      expect(payloads).toEqual([])
    }
  })
})

describe('fastify platform, other content types', () => {
  it("@VerifyWebhook() verifies a text/plain delivery once the app has app.useBodyParser('text/plain')", async () => {
    const payloads: unknown[] = []
    @Controller()
    class HookController {
      @Post('hook')
      @VerifyWebhook({ provider: 'github', secret: SECRETS.github })
      handle(@Webhook('payload') payload: unknown) {
        payloads.push(payload)
      }
    }
    const configure = (app: INestApplication) => {
      ;(app as unknown as { useBodyParser(type: string): void }).useBodyParser('text/plain')
    }
    const { listener } = await createApp(setup('fastify', { configure }), [HookController])
    const res = await send(listener, await delivery('github', { body: 'plain text', contentType: 'text/plain' }))
    expect(res.status).toBe(201)
    expect(payloads).toEqual(['plain text'])
  })
})

describe('startup', () => {
  it('@VerifyWebhook() with a limit that is not a size throws a TypeError when the decorator is evaluated', () => {
    expect(() => VerifyWebhook({ provider: 'orchest', secret, limit: 'lots' })).toThrow(TypeError)
    expect(() => VerifyWebhook({ provider: 'orchest', secret, publicUrl: 42 as unknown as string })).toThrow(/publicUrl/)
  })

  it('@VerifyWebhook() builds its flow once, at decoration: many requests, one verifier', async () => {
    const decorator = VerifyWebhook({ provider: 'orchest', secret })
    const verified: string[] = []
    decorator.on('verified', (e) => verified.push(e.deliveryId ?? ''))
    @Controller()
    class HookController {
      @Post('hook')
      @decorator
      handle() {}
    }
    const { listener } = await createApp(setup('express'), [HookController])
    const [a, b] = [await delivery('orchest'), await delivery('orchest')]
    await request(listener).post('/hook').set(a.headers).send(a.body)
    await request(listener).post('/hook').set(b.headers).send(b.body)
    expect(verified).toEqual([a.headers['X-Orchest-Delivery'], b.headers['X-Orchest-Delivery']])
  })
})
