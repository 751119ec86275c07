import express from 'express'
import express4 from 'express4'
import type { AdapterFixture } from '../../core/test/adapter-suite/index.js'
import { verifyWebhook, type WebhookMiddleware } from '../src/index.js'

export type ExpressFactory = typeof express
export type App = ReturnType<ExpressFactory>

/** What an Express handler gets, for the tests of Express's own behaviour. */
export interface ExpressNative {
  req: express.Request
  res: express.Response
  next: express.NextFunction
}

/** Mounts each route as `app.all(path, verifyWebhook(...), handler)`, the way the README does. */
function fixture(framework: ExpressFactory): AdapterFixture<App, WebhookMiddleware, ExpressNative> {
  return {
    verifyWebhook,
    app(routes, handler, before) {
      const app = framework()
      before?.(app)
      for (const [path, middleware] of Object.entries(routes)) {
        app.all(path, middleware, (req, res, next) =>
          handler(
            (status, body) => (body === undefined ? res.sendStatus(status) : res.status(status).json(body)),
            { webhook: req.webhook, body: req.body },
            { req, res, next },
          ),
        )
      }
      return app
    },
  }
}

/** Both majors, each test runs against both: name, the `express` export, the suite's fixture. */
export const EXPRESS = [
  ['Express 5', express, fixture(express)],
  ['Express 4', express4, fixture(express4)],
] as const
