// Pages Router: withWebhookApi() with its default MemoryReplayStore.
import { withWebhookApi } from '@hookproof/next'
import { handled, LIMIT, SECRET } from '../../../shared.js'

export const config = { api: { bodyParser: false } }

export default withWebhookApi({ provider: 'github', secret: SECRET, limit: LIMIT }, async (_webhook, _req, res) => {
  handled()
  res.status(204).end()
})
