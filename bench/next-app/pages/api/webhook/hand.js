// Pages Router, body parser off: raw body + createHmac + timingSafeEqual + JSON.parse, written by hand.
import { handled, handVerify, readAll } from '../../../shared.js'

export const config = { api: { bodyParser: false } }

export default async function hand(req, res) {
  const payload = handVerify(await readAll(req), req.headers['x-hub-signature-256'])
  if (payload === undefined) {
    res.status(401).end()
    return
  }
  req.body = payload
  handled()
  res.status(204).end()
}
