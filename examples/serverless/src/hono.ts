// Hono app: the same code runs on Workers (`export default app`), Bun, Deno and Node (@hono/node-server).
import { isWebhookVerificationError, type VerifiedWebhook, type Verifier, verifyRequest } from '@hookproof/core'
import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { type Env, type Verifiers, verifiersFor } from './verifiers.js'

type App = { Bindings: Env; Variables: { webhook: VerifiedWebhook } }

/**
 * Verifies before anything reads the body, sets `c.var.webhook`, then completes the delivery when
 * the handler answers below 500 and releases it (so the sender's retry is processed) otherwise.
 */
function webhook(pick: (verifiers: Verifiers) => Verifier) {
  return createMiddleware<App>(async (c, next) => {
    const hook = await verifyRequest(c.req.raw, pick(verifiersFor(c.env)))
    c.set('webhook', hook)
    await next()
    // Hono catches handler errors itself and records them on c.error
    await (c.error !== undefined || c.res.status >= 500 ? hook.abort() : hook.complete())
  })
}

const app = new Hono<App>()

app.post(
  '/webhooks/orchest',
  webhook((v) => v.orchest),
  (c) => {
    const { provider, event, deliveryId, payload } = c.var.webhook
    return c.json({ provider, event, deliveryId, payload })
  },
)

// Designer Cloud can be set to POST, PUT, PATCH, GET or DELETE; GET and DELETE sign the URL
app.on(
  ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'],
  '/webhooks/designer-cloud',
  webhook((v) => v.designerCloud),
  (c) => {
    const { provider, event, deliveryId, payload } = c.var.webhook
    return c.json({ provider, event, deliveryId, payload })
  },
)

// problem+json with the status of the error code; anything else is a bug: 500 without details
app.onError((error, c) => (isWebhookVerificationError(error) ? error.toResponse() : c.text('Internal Server Error', 500)))

export default app
