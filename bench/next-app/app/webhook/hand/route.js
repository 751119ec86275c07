// App Router, node runtime: raw body + createHmac + timingSafeEqual + JSON.parse, written by hand.
import { handled, handVerify } from '../../../shared.js'

export const runtime = 'nodejs'

export async function POST(request) {
  const body = Buffer.from(await request.arrayBuffer())
  const payload = handVerify(body, request.headers.get('x-hub-signature-256'))
  if (payload === undefined) return new Response(null, { status: 401 })
  handled()
  return new Response(null, { status: 204 })
}
