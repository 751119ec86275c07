// App Router, node runtime: withWebhook() from @hookproof/next, replayStore: false.
import { withWebhook } from '@hookproof/next'
import { handled, LIMIT, SECRET } from '../../../shared.js'

export const runtime = 'nodejs'

export const POST = withWebhook({ provider: 'github', secret: SECRET, limit: LIMIT, replayStore: false }, async () => {
  handled()
  return new Response(null, { status: 204 })
})
