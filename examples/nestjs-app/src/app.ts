import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type ProviderName, providers, type ReplayStore, type WebhookEvent } from '@hookproof/core'
import { type VerifiedWebhook, VerifyWebhook, Webhook } from '@hookproof/nestjs'
import { All, Controller, Get, HttpCode, type INestApplication, Module, Post, Query } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import { FastifyAdapter } from '@nestjs/platform-fastify'

/** Demo secrets, used when the `*_WEBHOOK_SECRET` variable is not set. Never use them in production. */
export const DEMO_SECRETS: Readonly<Record<ProviderName, string>> = {
  y42: 'demo-y42-secret',
  up42: 'demo-up42-secret',
  orchest: 'demo-orchest-secret',
  'designer-cloud': 'demo-designer-cloud-secret',
  xplenty: 'demo-xplenty-secret',
  github: 'demo-github-secret',
  // Standard Webhooks secrets are whsec_ + base64 of the key (this one is the spec's example)
  'standard-webhooks': 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  fivetran: 'demo-fivetran-secret',
  'dbt-cloud': 'demo-dbt-cloud-secret',
}

export const PROVIDER_NAMES = Object.keys(providers) as ProviderName[]

export interface AppOptions {
  /** Secrets per provider; default `*_WEBHOOK_SECRET` from the environment, else {@link DEMO_SECRETS}. */
  secrets?: Partial<Record<ProviderName, string>>
  /** Rotated-out secrets per provider; default `*_WEBHOOK_SECRET_PREVIOUS` from the environment. */
  previousSecrets?: Partial<Record<ProviderName, string>>
  /** Shared replay store (e.g. `RedisReplayStore`); default one `MemoryReplayStore` per route. */
  replayStore?: ReplayStore
  /** Where log lines go; default `console.log`. */
  log?: (line: string) => void
  /** Time each handler takes, like real work (default 0): lets concurrent duplicates meet in flight (409). */
  handlerDelayMs?: number
  /** Nest's HTTP platform; default `'express'`. */
  platform?: 'express' | 'fastify'
}

/** One handled delivery, as listed by `GET /events`. */
export interface HandledDelivery {
  provider: string
  event: string | undefined
  deliveryId: string | undefined
  receivedAt: string
  payload: unknown
}

function secretsFor(provider: ProviderName, options: AppOptions): string[] {
  const envVar = providers[provider].envVar as string
  const current = options.secrets?.[provider] ?? process.env[envVar] ?? DEMO_SECRETS[provider]
  const previous = options.previousSecrets?.[provider] ?? process.env[`${envVar}_PREVIOUS`]
  return previous ? [current, previous] : [current]
}

/**
 * The app module: `POST /webhooks/<provider>` for each provider (Designer Cloud any method),
 * `GET /events` (handled deliveries, newest last) and `GET /events/count` (`{ count }`, filtered
 * by `?provider=` and `?deliveryId=`) for the mock sender's conformance check. The controllers
 * are declared here because their secrets come from `options`; in an app of your own they are
 * plain top-level classes reading the environment.
 */
export function createAppModule(options: AppOptions = {}) {
  const log = options.log ?? ((line: string) => console.log(line))
  const handled: HandledDelivery[] = []
  const tag = `[nestjs-${options.platform ?? 'express'}]`
  const onEvent = (e: WebhookEvent) => {
    if (e.type === 'rejected') log(`${tag} rejected ${e.provider ?? '?'} ${e.code} (${e.status})`)
    if (e.type === 'duplicate') log(`${tag} duplicate ${e.provider} answered ${e.status}`)
  }
  const verify = (provider: ProviderName) =>
    VerifyWebhook({
      provider,
      secrets: secretsFor(provider, options),
      onEvent,
      ...(options.replayStore ? { replayStore: options.replayStore } : {}),
    })

  async function receive(hook: VerifiedWebhook) {
    if (options.handlerDelayMs) await new Promise((resolve) => setTimeout(resolve, options.handlerDelayMs))
    handled.push({
      provider: hook.provider,
      event: hook.event,
      deliveryId: hook.deliveryId,
      receivedAt: new Date().toISOString(),
      payload: hook.payload,
    })
    log(`${tag} ${hook.provider} ${hook.event ?? '(no event name)'} delivery=${hook.deliveryId ?? '-'}`)
    return { received: true, deliveryId: hook.deliveryId ?? null }
  }

  @Controller('webhooks')
  class WebhooksController {
    @Post('y42')
    @verify('y42')
    @HttpCode(200)
    y42(@Webhook() hook: VerifiedWebhook) {
      return receive(hook)
    }

    @Post('up42')
    @verify('up42')
    @HttpCode(200)
    up42(@Webhook() hook: VerifiedWebhook) {
      return receive(hook)
    }

    @Post('orchest')
    @verify('orchest')
    @HttpCode(200)
    orchest(@Webhook() hook: VerifiedWebhook) {
      return receive(hook)
    }

    // Designer Cloud lets the user pick the method; the others always POST
    @All('designer-cloud')
    @verify('designer-cloud')
    @HttpCode(200)
    designerCloud(@Webhook() hook: VerifiedWebhook) {
      return receive(hook)
    }

    @Post('xplenty')
    @verify('xplenty')
    @HttpCode(200)
    xplenty(@Webhook() hook: VerifiedWebhook) {
      return receive(hook)
    }

    @Post('github')
    @verify('github')
    @HttpCode(200)
    github(@Webhook() hook: VerifiedWebhook) {
      return receive(hook)
    }

    @Post('standard-webhooks')
    @verify('standard-webhooks')
    @HttpCode(200)
    standardWebhooks(@Webhook() hook: VerifiedWebhook) {
      return receive(hook)
    }
  }

  @Controller('events')
  class EventsController {
    @Get()
    list() {
      return handled.slice(-100)
    }

    @Get('count')
    count(@Query('provider') provider?: string, @Query('deliveryId') deliveryId?: string) {
      const count = handled.filter(
        (h) => (provider === undefined || h.provider === provider) && (deliveryId === undefined || h.deliveryId === deliveryId),
      ).length
      return { count }
    }
  }

  @Module({ controllers: [WebhooksController, EventsController] })
  class AppModule {}

  return { AppModule, handled }
}

/**
 * Creates the Nest app with `rawBody: true`, which keeps the exact bytes the signatures cover.
 *
 * @example
 * const { app } = await createApp({ platform: 'fastify' })
 * await app.listen(3000)
 */
export async function createApp(options: AppOptions = {}): Promise<{ app: INestApplication; handled: HandledDelivery[] }> {
  const { AppModule, handled } = createAppModule(options)
  const adapter = options.platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter()
  const app = await NestFactory.create(AppModule, adapter, { rawBody: true, logger: false })
  return { app, handled }
}

/**
 * Starts the app on 127.0.0.1 (port 0 picks a free one).
 *
 * @example
 * const { url, close } = await start(0, { platform: 'fastify' })
 */
export async function start(port = Number(process.env.PORT ?? 3000), options: AppOptions = {}) {
  const { app, handled } = await createApp(options)
  await app.listen(port, '127.0.0.1')
  const server = app.getHttpServer() as Server
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { server, url, handled, close: () => app.close() }
}
