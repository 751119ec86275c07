// GET /events/count?provider=&deliveryId=: `{ count }` of handled deliveries, for the conformance check.
import { handled } from '../../../state.js'

export const dynamic = 'force-dynamic'

export function GET(request) {
  const query = new URL(request.url).searchParams
  const provider = query.get('provider')
  const deliveryId = query.get('deliveryId')
  const count = handled.filter(
    (h) => (provider === null || h.provider === provider) && (deliveryId === null || h.deliveryId === deliveryId),
  ).length
  return Response.json({ count })
}
