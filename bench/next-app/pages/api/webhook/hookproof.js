// Pages Router: withWebhookApi() from @hookproof/next, replayStore: false.
import { withWebhookApi } from '@hookproof/next'
import { handled, LIMIT, SECRET } from '../../../shared.js'

export const config = { api: { bodyParser: false } }

export default withWebhookApi({ provider: 'github', secret: SECRET, limit: LIMIT, replayStore: false }, async (_webhook, _req, res) => {
  handled()
  res.status(204).end()
})
