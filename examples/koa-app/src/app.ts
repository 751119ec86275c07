import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type ProviderName, providers, type ReplayStore, type WebhookEvent } from '@hookproof/core'
import { verifyWebhook } from '@hookproof/koa'
import { bodyParser } from '@koa/bodyparser'
import Koa, { type Middleware } from 'koa'

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
 * The receiver: `POST /webhooks/<provider>` for each provider (Designer Cloud any method),
 * `GET /events` (handled deliveries, newest last) and `GET /events/count` (`{ count }`, filtered
 * by `?provider=` and `?deliveryId=`) for the mock sender's conformance check.
 */
export function createApp(options: AppOptions = {}) {
  const log = options.log ?? ((line: string) => console.log(line))
  const handled: HandledDelivery[] = []
  const app = new Koa()
  app.silent = true

  const onEvent = (e: WebhookEvent) => {
    if (e.type === 'rejected') log(`[koa] rejected ${e.provider ?? '?'} ${e.code} (${e.status})`)
    if (e.type === 'duplicate') log(`[koa] duplicate ${e.provider} answered ${e.status}`)
  }

  const routes = new Map<string, { provider: ProviderName; verify: Middleware }>()
  for (const provider of PROVIDER_NAMES) {
    const verify = verifyWebhook({
      provider,
      secrets: secretsFor(provider, options),
      onEvent,
      ...(options.replayStore ? { replayStore: options.replayStore } : {}),
    })
    routes.set(`/webhooks/${provider}`, { provider, verify })
  }

  // webhook routes first: they need the raw bytes, so bodyParser() below never sees them
  app.use(async (ctx, next) => {
    const route = routes.get(ctx.path)
    if (route === undefined) return next()
    // Designer Cloud lets the user pick the method; the others always POST
    if (route.provider !== 'designer-cloud' && ctx.method !== 'POST') {
      ctx.status = 405
      return
    }
    await route.verify(ctx, async () => {
      const hook = ctx.state.webhook
      if (hook === undefined) throw new Error('verifyWebhook() did not set ctx.state.webhook')
      if (options.handlerDelayMs) await new Promise((resolve) => setTimeout(resolve, options.handlerDelayMs))
      handled.push({
        provider: hook.provider,
        event: hook.event,
        deliveryId: hook.deliveryId,
        receivedAt: new Date().toISOString(),
        payload: ctx.request.body,
      })
      log(`[koa] ${hook.provider} ${hook.event ?? '(no event name)'} delivery=${hook.deliveryId ?? '-'}`)
      ctx.status = 200
      ctx.body = { received: true, deliveryId: hook.deliveryId ?? null }
    })
  })

  app.use(bodyParser())

  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET') return next()
    if (ctx.path === '/events') {
      ctx.body = handled.slice(-100)
      return
    }
    if (ctx.path === '/events/count') {
      const { provider, deliveryId } = ctx.query
      ctx.body = {
        count: handled.filter(
          (h) => (provider === undefined || h.provider === provider) && (deliveryId === undefined || h.deliveryId === deliveryId),
        ).length,
      }
      return
    }
    return next()
  })

  return { app, handled }
}

/**
 * Starts the app on 127.0.0.1 (port 0 picks a free one).
 *
 * @example
 * const { url, close } = await start(0)
 */
export async function start(port = Number(process.env.PORT ?? 3001), options: AppOptions = {}) {
  const { app, handled } = createApp(options)
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s))
    s.on('error', reject)
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    server,
    url,
    handled,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
