/** The Express bench server: `express.raw()` for the hand-written routes, `@hookproof/express` for hookproof's. */
import type { Server } from 'node:http'
import { adapter, coreVerifier, counter, handVerify, hookproofOptions, LIMIT, type Route, sameAsHand } from './common.js'

type Adapter = typeof import('../../packages/express/src/index.js')

export async function express(route: Route): Promise<Server> {
  if (route === 'hand-middleware') throw sameAsHand('Express')
  const { default: express } = await import('express')
  const app = express()
  app.disable('x-powered-by')
  const handler = (_req: unknown, res: { status(code: number): { end(): void } }) => {
    counter.handled++
    res.status(204).end()
  }
  const raw = express.raw({ type: () => true, limit: LIMIT })
  if (route === 'bare') app.post('/webhook', raw, handler)
  else if (route === 'hand') {
    app.post(
      '/webhook',
      raw,
      (req, res, next) => {
        const payload = handVerify(req.body as Buffer, req.headers['x-hub-signature-256'])
        if (payload === undefined) {
          res.status(401).end()
          return
        }
        req.body = payload
        next()
      },
      handler,
    )
  } else if (route === 'core-check') {
    // the hand-written route with core's check() in place of the HMAC: the adapter's own cost is
    // the difference between this route and 'hookproof'
    const verifier = await coreVerifier()
    app.post(
      '/webhook',
      raw,
      async (req, res, next) => {
        const result = await verifier.check({ body: req.body as Buffer, headers: req.headers })
        if (!result.ok) {
          res.status(result.status).end()
          return
        }
        req.body = result.webhook.payload
        next()
      },
      handler,
    )
  } else {
    const { verifyWebhook } = await adapter<Adapter>('express')
    app.post('/webhook', verifyWebhook(hookproofOptions(route)), handler)
  }
  return app.listen(0, '127.0.0.1')
}
