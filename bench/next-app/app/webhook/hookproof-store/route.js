// App Router, node runtime: withWebhook() with its default MemoryReplayStore.
import { withWebhook } from '@hookproof/next'
import { handled, LIMIT, SECRET } from '../../../shared.js'

export const runtime = 'nodejs'

export const POST = withWebhook({ provider: 'github', secret: SECRET, limit: LIMIT }, async () => {
  handled()
  return new Response(null, { status: 204 })
})
