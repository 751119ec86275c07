import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Provider, type ProviderName, providers, type ReplayStore, type WebhookEvent } from '@hookproof/core'
import { type VerifiedWebhook, VerifyWebhook, Webhook } from '@hookproof/nestjs'
import { All, Controller, Get, HttpCode, type INestApplication, Module, Post, Query } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import { FastifyAdapter } from '@nestjs/platform-fastify'

/**
 * Demo secrets, used when the `*_WEBHOOK_SECRET` variable is not set: the row's example where the
 * vendor's secrets have a form (Standard Webhooks' `whsec_…`), else `demo-<name>-secret`. Never use
 * them in production.
 */
export const DEMO_SECRETS: Readonly<Record<ProviderName, string>> = Object.fromEntries(
  Object.entries(providers as Record<string, Provider>).map(([name, row]) => [name, row.secretExample ?? `demo-${name}-secret`]),
) as Record<ProviderName, string>

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
  } // hookproof's own rejection lines (cause and hint) go where the app's log goes
  const logger = { warn: (message: string) => log(message) }

  const verify = (provider: ProviderName) =>
    VerifyWebhook({
      provider,
      secrets: secretsFor(provider, options),
      onEvent,
      logger,
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

  // One handler per registry row, each what an app writes by hand for its vendor:
  //   @Post('orchest') @VerifyWebhook({ provider: 'orchest', secret }) @HttpCode(200) orchest(@Webhook() hook) {}
  // mounted for every method the vendor sends with (Designer Cloud lets the user pick).
  class WebhooksController {}
  const proto = WebhooksController.prototype as unknown as Record<string, unknown>
  for (const provider of PROVIDER_NAMES) {
    const methods = (providers[provider] as Provider).methods ?? ['POST']
    const route = methods.length > 1 ? All(provider) : Post(provider)
    proto[provider] = (hook: VerifiedWebhook) => receive(hook)
    const descriptor = Object.getOwnPropertyDescriptor(proto, provider) as PropertyDescriptor
    Webhook()(proto, provider, 0)
    for (const decorate of [HttpCode(200), verify(provider), route]) decorate(proto, provider, descriptor)
  }
  Controller('webhooks')(WebhooksController)

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
