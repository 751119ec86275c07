// POST /webhooks/<provider> for each provider (Designer Cloud also GET, PUT, PATCH, DELETE):
// withWebhook() from @hookproof/next on the node runtime, one per provider, built on first use.
import { providers } from '@hookproof/core'
import { withWebhook } from '@hookproof/next'
import { demoConfig, handled } from '../../../state.js'

export const runtime = 'nodejs'

const routes = new Map()

function routeFor(provider) {
  let route = routes.get(provider)
  if (route === undefined) {
    const previous = demoConfig.previousSecrets[provider]
    const current = demoConfig.secrets[provider]
    route = withWebhook(
      {
        provider,
        secrets: previous ? [current, previous] : [current],
        onEvent: (e) => {
          if (e.type === 'rejected') console.log(`[next] rejected ${e.provider ?? '?'} ${e.code} (${e.status})`)
          if (e.type === 'duplicate') console.log(`[next] duplicate ${e.provider} answered ${e.status}`)
        },
      },
      async (webhook) => {
        if (demoConfig.handlerDelayMs) await new Promise((resolve) => setTimeout(resolve, demoConfig.handlerDelayMs))
        handled.push({ provider: webhook.provider, deliveryId: webhook.deliveryId })
        console.log(`[next] ${webhook.provider} ${webhook.event ?? '(no event name)'} delivery=${webhook.deliveryId ?? '-'}`)
        return Response.json({ received: true, deliveryId: webhook.deliveryId ?? null })
      },
    )
    routes.set(provider, route)
  }
  return route
}

async function receive(request, context) {
  const { provider } = await context.params
  if (!Object.hasOwn(providers, provider) || demoConfig.secrets[provider] === undefined) return new Response(null, { status: 404 })
  if (request.method !== 'POST' && provider !== 'designer-cloud') return new Response(null, { status: 405 })
  return routeFor(provider)(request, context)
}

export const POST = receive
export const GET = receive
export const PUT = receive
export const PATCH = receive
export const DELETE = receive
