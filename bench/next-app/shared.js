// What every route of the bench's Next app shares: the secret, the limit, the hand-written check
// (the same as bench/http/common.ts) and the handled counter bench/http/next-*.ts reads.
import { createHmac, timingSafeEqual } from 'node:crypto'

/** GitHub docs' example secret (bench/lib/fixtures.ts). */
export const SECRET = "It's a Secret to Everybody"
export const LIMIT = 5 * 1024 * 1024

/** The route's handler ran: counted on globalThis, where the bench server (same process) reads it. */
export function handled() {
  globalThis.__hookproofBenchHandled = (globalThis.__hookproofBenchHandled ?? 0) + 1
}

/** The hand-written check: what a careful receiver writes without a library. */
export function handVerify(body, header) {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return undefined
  const expected = Buffer.from(header.slice(7), 'hex')
  const mac = createHmac('sha256', SECRET).update(body).digest()
  if (expected.length !== mac.length || !timingSafeEqual(mac, expected)) return undefined
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
}

/** Reads a Pages route's body by hand (its body parser is off). */
export async function readAll(req) {
  const chunks = []
  for await (const chunk of req) chunks.push(chunk)
  return Buffer.concat(chunks)
}
