// App Router, node runtime, the env form: secrets from *_WEBHOOK_SECRET, provider detected.
import { withWebhook } from '@hookproof/next'
import { describe, sleep } from '../../../handler.js'

export const runtime = 'nodejs'

export const POST = withWebhook(async (webhook, request) => {
  const seen = describe('nodejs', webhook, request.headers)
  if (seen.delayMs > 0) await sleep(seen.delayMs)
  if (seen.throws) throw new Error('handler failed on purpose')
  return Response.json(seen, { status: seen.status })
})
export const GET = POST
