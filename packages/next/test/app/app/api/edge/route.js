// App Router, edge runtime (Web Crypto build of @hookproof/core): env secrets, a 64 KiB limit.
import { withWebhook } from '@hookproof/next'
import { describe, sleep } from '../../../handler.js'

export const runtime = 'edge'

export const POST = withWebhook({ limit: '64kb' }, async (webhook, request) => {
  const seen = describe('edge', webhook, request.headers)
  if (seen.delayMs > 0) await sleep(seen.delayMs)
  if (seen.throws) throw new Error('handler failed on purpose')
  return Response.json(seen, { status: seen.status })
})
export const GET = POST
