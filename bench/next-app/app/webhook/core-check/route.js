// App Router, node runtime: the hand route with core's createVerifier().check() instead of the HMAC.
import { createVerifier } from '@hookproof/core'
import { handled, SECRET } from '../../../shared.js'

export const runtime = 'nodejs'
const verifier = createVerifier({ provider: 'github', secret: SECRET })

export async function POST(request) {
  const body = new Uint8Array(await request.arrayBuffer())
  const result = await verifier.check({ body, headers: request.headers })
  if (!result.ok) return new Response(null, { status: result.status })
  handled()
  return new Response(null, { status: 204 })
}
