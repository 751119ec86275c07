// A Worker on @hookproof/hono, bundled by test/workerd.test.ts as wrangler would and run in workerd.
// Secrets are bindings (c.env), so they are read per request; the clock is fixed at the
// published vectors' time (1700000000000 ms) so their recorded signatures stay valid.
import { Hono } from 'hono'
import { verifyWebhook } from '../../src/index.js'

type Bindings = { ORCHEST_WEBHOOK_SECRET?: string; DESIGNER_CLOUD_WEBHOOK_SECRET?: string; NOT_SET?: string }
type App = { Bindings: Bindings }

const now = () => 1_700_000_000_000
let runs = 0
let throws = 1

const app = new Hono<App>()

// the idiomatic Workers form: the secret comes from the binding, the middleware is built once
app.post('/webhooks/orchest', verifyWebhook<App>({ provider: 'orchest', secret: (c) => c.env.ORCHEST_WEBHOOK_SECRET, now }), (c) => {
  runs++
  const { provider, event, deliveryId, payload, rawBody } = c.get('webhook')
  return c.json({ provider, event, deliveryId, payload, rawBody: rawBody.constructor.name })
})

// zero-argument form: no `process` in workerd, so every *_WEBHOOK_SECRET binding is read and the sender detected
app.post('/webhooks/any', verifyWebhook({ now }), (c) => c.json({ provider: c.get('webhook').provider, payload: c.get('webhook').payload }))

// a middleware that parsed the body first: the signed bytes are gone
app.post(
  '/webhooks/parsed-first',
  async (c, next) => {
    await c.req.json()
    await next()
  },
  verifyWebhook<App>({ provider: 'orchest', secret: (c) => c.env.ORCHEST_WEBHOOK_SECRET }),
  (c) => c.body(null, 204),
)

// the first run throws: Hono's onError answers 500 and the claim is released for the retry
app.post('/webhooks/throws', verifyWebhook<App>({ provider: 'orchest', secret: (c) => c.env.ORCHEST_WEBHOOK_SECRET, now }), (c) => {
  runs++
  if (throws-- > 0) throw new Error('queue full')
  return c.body(null, 202)
})

app.post(
  '/webhooks/limited',
  verifyWebhook<App>({ provider: 'orchest', secret: (c) => c.env.ORCHEST_WEBHOOK_SECRET, limit: 1024 * 1024 }),
  (c) => c.body(null, 204),
)

// a binding that is not set: a configuration error, answered 500 without the handler
app.post('/webhooks/unset', verifyWebhook<App>({ provider: 'orchest', secret: (c) => c.env.NOT_SET }), (c) => c.body(null, 204))

// a 64 MiB upload produced lazily inside workerd, through the app: the limit stops it early
app.get('/self/limited', async (c) => {
  let pulled = 0
  const huge = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= 64 * 1024 * 1024) return controller.close()
        pulled += 65536
        controller.enqueue(new Uint8Array(65536))
      },
    },
    { highWaterMark: 0 },
  )
  const init = { method: 'POST', headers: { 'x-hub-signature': '00' }, body: huge, duplex: 'half' }
  const response = await app.fetch(new Request('https://hooks.example.com/webhooks/limited', init as RequestInit), c.env)
  return c.json({ status: response.status, code: ((await response.json()) as { code: string }).code, pulled })
})

app.get('/runs', (c) => c.json({ runs, node: typeof (globalThis as { process?: unknown }).process }))

export default app
