import { bodyTimeoutOption, createWebhookFlow, DEFAULT_BODY_LIMIT, type FlowHooks } from '@hookproof/core/adapter'
import type { NextFunction, Request, Response } from 'express'
import { readRawBody } from './body.js'
import type { ExpressWebhookOptions, WebhookMiddleware } from './types.js'
import { requestUrl } from './url.js'

/**
 * Express 4 and 5 middleware: reads the raw body, verifies it, claims the delivery, then sets
 * `req.webhook` and `req.body = payload` and calls the next handler. Rejections answer
 * `application/problem+json`; a processed duplicate answers 200 without calling the handler, one
 * in flight 409 with `Retry-After`. A handler that throws or answers 5xx releases the delivery so
 * the sender's retry is processed. The claim is held until the handler has answered (`res.end`),
 * even when the client disconnected first, so the sender's retry meets 409 rather than a second
 * run. A body not complete within `bodyTimeoutMs` is answered 408 `BODY_TIMEOUT`. Without
 * options, secrets come from `*_WEBHOOK_SECRET`.
 *
 * @example
 * const webhooks = verifyWebhook({ provider: 'orchest', secret: process.env.ORCHEST_WEBHOOK_SECRET })
 * webhooks.on('rejected', (e) => console.warn('webhook rejected', e.code))
 * app.post('/webhooks/orchest', webhooks, (req, res) => {
 *   console.log(req.webhook?.event, req.body)
 *   res.sendStatus(204)
 * })
 * @throws {TypeError} at startup on a bad configuration, or with no options and no secret in the environment.
 */
export function verifyWebhook(options: ExpressWebhookOptions = {}): WebhookMiddleware {
  const { limit = DEFAULT_BODY_LIMIT, publicUrl, bodyTimeoutMs, ...flowOptions } = options
  const timeoutMs = bodyTimeoutOption(bodyTimeoutMs)
  if (publicUrl !== undefined && typeof publicUrl !== 'string' && typeof publicUrl !== 'function') {
    throw new TypeError('publicUrl must be a base URL string or a function of the request')
  }
  const flow = createWebhookFlow(flowOptions)
  const base = typeof publicUrl === 'string' ? publicUrl.replace(/\/+$/, '') : undefined

  function hookproofWebhook(req: Request, res: Response, next: NextFunction): void {
    let nextCalled = false
    const hooks: FlowHooks = {
      readBody: () => readRawBody(req, res, limit, timeoutMs),
      readRequest: () => ({
        // headersDistinct keeps a header sent twice as two values, so a duplicated signature is caught
        headers: req.headersDistinct ?? req.headers,
        method: req.method,
        url: typeof publicUrl === 'function' ? publicUrl(req) : base !== undefined ? base + req.originalUrl : requestUrl(req),
      }),
      send: ({ status, headers, body }) => {
        if (res.headersSent) return
        res.statusCode = status
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
        res.end(body)
      },
      forward: (error) => {
        nextCalled = true
        next(error)
      },
      handle: (webhook) =>
        new Promise((resolve) => {
          answered(res, resolve)
          req.webhook = webhook
          req.body = webhook.payload
          nextCalled = true
          next()
        }),
    }
    flow.run(hooks).catch((error: unknown) => {
      if (!nextCalled) next(error)
    })
  }
  return Object.assign(hookproofWebhook, { on: flow.on })
}

/**
 * Resolves with the status once the handler answers: its `res.end` call (every Express answer,
 * `next(err)`'s 500 included, ends there), whether or not the socket is still open. A closed
 * socket is deliberately not an answer: the handler is still running, and its claim must hold.
 */
function answered(res: Response, resolve: (status: number) => void): void {
  const end = res.end
  res.end = function endAndSettle(this: Response, ...args: unknown[]) {
    res.end = end
    resolve(res.statusCode)
    return (end as (...a: unknown[]) => Response).apply(this, args)
  } as Response['end']
}
