import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { type ProviderName, providers, type ReplayStore, type WebhookEvent } from '@hookproof/core'
import { verifyWebhook } from '@hookproof/hono'
import { Hono } from 'hono'

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
 * The receiver: `POST /webhooks/<provider>` for each provider (Designer Cloud also GET, PUT,
 * PATCH, DELETE), `GET /events` (handled deliveries, newest last) and `GET /events/count`
 * (`{ count }`, filtered by `?provider=` and `?deliveryId=`) for the mock sender's conformance check.
 *
 * @example
 * const { app } = createApp({ log: () => {} })
 * const response = await app.request('/events') // Hono's in-process request, no server
 */
export function createApp(options: AppOptions = {}) {
  const log = options.log ?? ((line: string) => console.log(line))
  const handled: HandledDelivery[] = []
  const app = new Hono()

  const onEvent = (e: WebhookEvent) => {
    if (e.type === 'rejected') log(`[hono] rejected ${e.provider ?? '?'} ${e.code} (${e.status})`)
    if (e.type === 'duplicate') log(`[hono] duplicate ${e.provider} answered ${e.status}`)
  }

  for (const provider of PROVIDER_NAMES) {
    const verify = verifyWebhook({
      provider,
      secrets: secretsFor(provider, options),
      onEvent,
      ...(options.replayStore ? { replayStore: options.replayStore } : {}),
    })
    // Designer Cloud lets the user pick the method; the others always POST
    const methods = provider === 'designer-cloud' ? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] : ['POST']
    app.on(methods, `/webhooks/${provider}`, verify, async (c) => {
      const hook = c.get('webhook')
      if (options.handlerDelayMs) await new Promise((resolve) => setTimeout(resolve, options.handlerDelayMs))
      handled.push({
        provider: hook.provider,
        event: hook.event,
        deliveryId: hook.deliveryId,
        receivedAt: new Date().toISOString(),
        payload: hook.payload,
      })
      log(`[hono] ${hook.provider} ${hook.event ?? '(no event name)'} delivery=${hook.deliveryId ?? '-'}`)
      return c.json({ received: true, deliveryId: hook.deliveryId ?? null })
    })
  }

  app.get('/events', (c) => c.json(handled.slice(-100)))
  app.get('/events/count', (c) => {
    const { provider, deliveryId } = c.req.query()
    const count = handled.filter(
      (h) => (provider === undefined || h.provider === provider) && (deliveryId === undefined || h.deliveryId === deliveryId),
    ).length
    return c.json({ count })
  })

  return { app, handled }
}

/**
 * Starts the app on 127.0.0.1 with @hono/node-server (port 0 picks a free one).
 *
 * @example
 * const { url, close } = await start(0)
 */
export async function start(port = Number(process.env.PORT ?? 3000), options: AppOptions = {}) {
  const { app, handled } = createApp(options)
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s as Server)) as Server
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
