// Pages Router, body parser off: the body read, no verification (the framework's ceiling).
import { handled, readAll } from '../../../shared.js'

export const config = { api: { bodyParser: false } }

export default async function bare(req, res) {
  await readAll(req)
  handled()
  res.status(204).end()
}
