// App Router, node runtime: the body read, no verification (the framework's ceiling).
import { handled } from '../../../shared.js'

export const runtime = 'nodejs'

export async function POST(request) {
  await request.arrayBuffer()
  handled()
  return new Response(null, { status: 204 })
}
