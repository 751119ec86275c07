// Pages Router WITHOUT `export const config = { api: { bodyParser: false } }`: Next's parser reads
// the body first, so withWebhookApi must answer 500 BODY_ALREADY_PARSED naming that line.
import { withWebhookApi } from '@hookproof/next'

export default withWebhookApi({ exposeDetails: true }, (_webhook, _req, res) => {
  res.status(200).json({ unexpected: true })
})
