// Hono app: the same code runs on Workers (`export default app`), Bun, Deno and Node (@hono/node-server).
// @hookproof/hono reads the raw body, verifies it, answers rejections and duplicates, sets
// c.get('webhook') and settles the delivery once the handler has answered (a throw or a 5xx
// releases it, so the sender's retry is processed).
import { verifyWebhook } from '@hookproof/hono'
import { Hono } from 'hono'
import type { Env } from './verifiers.js'

type App = { Bindings: Env }

// Tests only: the HOOKPROOF_NOW binding fixes the clock (ms) to replay recorded deliveries such as
// the published vectors. Bindings are the same for every request an isolate serves.
let fixedNow: string | undefined
const now = () => (fixedNow === undefined ? Date.now() : Number(fixedNow))

const app = new Hono<App>()
app.use(async (c, next) => {
  fixedNow = c.env?.HOOKPROOF_NOW
  await next()
})

// Worker secrets are bindings, known per request: each verifier is built on first use and reused
const orchest = verifyWebhook<App>({ provider: 'orchest', secret: (c) => c.env.ORCHEST_WEBHOOK_SECRET, now })
const designerCloud = verifyWebhook<App>({ provider: 'designer-cloud', secret: (c) => c.env.DESIGNER_CLOUD_WEBHOOK_SECRET, now })

app.post('/webhooks/orchest', orchest, (c) => {
  const { provider, event, deliveryId, payload } = c.get('webhook')
  return c.json({ provider, event, deliveryId, payload })
})

// Designer Cloud can be set to POST, PUT, PATCH, GET or DELETE; GET and DELETE sign the URL
app.on(['POST', 'PUT', 'PATCH', 'GET', 'DELETE'], '/webhooks/designer-cloud', designerCloud, (c) => {
  const { provider, event, deliveryId, payload } = c.get('webhook')
  return c.json({ provider, event, deliveryId, payload: payload instanceof Uint8Array ? `${payload.length} bytes` : payload })
})

export default app
