// Pages Router, body parser off: the hand route with core's createVerifier().check() instead of the HMAC.
import { createVerifier } from '@hookproof/core'
import { handled, readAll, SECRET } from '../../../shared.js'

export const config = { api: { bodyParser: false } }
const verifier = createVerifier({ provider: 'github', secret: SECRET })

export default async function coreCheck(req, res) {
  const result = await verifier.check({ body: await readAll(req), headers: req.headers })
  if (!result.ok) {
    res.status(result.status).end()
    return
  }
  handled()
  res.status(204).end()
}
