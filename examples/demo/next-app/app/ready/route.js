// GET /ready: 204 once `next start` serves requests (examples/demo/src/next.ts waits for it).
export const dynamic = 'force-dynamic'

export function GET() {
  return new Response(null, { status: 204 })
}
