// Pages Router with the body parser off, the env form.
import { withWebhookApi } from '@hookproof/next'
import { describe, sleep } from '../../handler.js'

export const config = { api: { bodyParser: false } }

export default withWebhookApi(async (webhook, req, res) => {
  const seen = describe('pages', webhook, new Headers(req.headers))
  if (seen.delayMs > 0) await sleep(seen.delayMs)
  if (seen.throws) throw new Error('handler failed on purpose')
  res.status(seen.status).json({ ...seen, body: req.body })
})
