import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type ProviderName, providers, type ReplayStore, type WebhookEvent } from '@hookproof/core'
import { verifyWebhook } from '@hookproof/fastify'
import fastify, { type RouteHandlerMethod } from 'fastify'

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
 * The receiver: `POST /webhooks/<provider>` for each provider (Designer Cloud any method), each in
 * its own scope with its own `verifyWebhook`; `GET /events` (handled deliveries, newest last) and
 * `GET /events/count` (`{ count }`, filtered by `?provider=` and `?deliveryId=`) for the mock
 * sender's conformance check. The rest of the app keeps Fastify's JSON parsing (`POST /echo`).
 */
export function createApp(options: AppOptions = {}) {
  const log = options.log ?? ((line: string) => console.log(line))
  const handled: HandledDelivery[] = []
  const app = fastify()

  const onEvent = (e: WebhookEvent) => {
    if (e.type === 'rejected') log(`[fastify] rejected ${e.provider ?? '?'} ${e.code} (${e.status})`)
    if (e.type === 'duplicate') log(`[fastify] duplicate ${e.provider} answered ${e.status}`)
  }

  const handler: RouteHandlerMethod = async (request, reply) => {
    const hook = request.webhook
    if (hook === undefined) return reply.code(500).send()
    if (options.handlerDelayMs) await new Promise((resolve) => setTimeout(resolve, options.handlerDelayMs))
    handled.push({
      provider: hook.provider,
      event: hook.event,
      deliveryId: hook.deliveryId,
      receivedAt: new Date().toISOString(),
      payload: request.body,
    })
    log(`[fastify] ${hook.provider} ${hook.event ?? '(no event name)'} delivery=${hook.deliveryId ?? '-'}`)
    return { received: true, deliveryId: hook.deliveryId ?? null }
  }

  for (const provider of PROVIDER_NAMES) {
    // one scope per provider: its routes read raw bytes, nothing outside it is affected
    app.register(async (scope) => {
      await scope.register(verifyWebhook, {
        provider,
        secrets: secretsFor(provider, options),
        onEvent,
        ...(options.replayStore ? { replayStore: options.replayStore } : {}),
      })
      const url = `/webhooks/${provider}`
      // Designer Cloud lets the user pick the method; the others always POST
      if (provider === 'designer-cloud') scope.all(url, handler)
      else scope.post(url, handler)
    })
  }

  app.get('/events', async () => handled.slice(-100))
  app.get<{ Querystring: { provider?: string; deliveryId?: string } }>('/events/count', async (request) => {
    const { provider, deliveryId } = request.query
    const count = handled.filter(
      (h) => (provider === undefined || h.provider === provider) && (deliveryId === undefined || h.deliveryId === deliveryId),
    ).length
    return { count }
  })
  // outside the webhook scopes, JSON is parsed as usual
  app.post('/echo', async (request) => ({ body: request.body }))

  return { app, handled }
}

/**
 * Starts the app on 127.0.0.1 (port 0 picks a free one).
 *
 * @example
 * const { url, close } = await start(0)
 */
export async function start(port = Number(process.env.PORT ?? 3000), options: AppOptions = {}) {
  const { app, handled } = createApp(options)
  await app.listen({ port, host: '127.0.0.1' })
  const server: Server = app.server
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    server,
    url,
    handled,
    close: () => app.close(),
  }
}
