import { getRequestListener } from '@hono/node-server'
import { Hono } from 'hono'
import type { AdapterFixture, AdapterOptions } from '../../core/test/adapter-suite/index.js'
import { type HonoWebhookOptions, verifyWebhook, type WebhookMiddleware } from '../src/index.js'

/** What a Hono handler gets, for the tests of Hono's own behaviour. */
export interface HonoNative {
  c: Parameters<WebhookMiddleware>[0]
}

/**
 * The suite's options for Hono: `publicUrl` as a function gets Hono's context, so the suite's
 * `(req) => ...originalUrl` reads the path and query of `c.req.url`.
 */
function honoOptions(options: AdapterOptions = {}): HonoWebhookOptions {
  const { publicUrl, ...rest } = options
  if (typeof publicUrl !== 'function') return { ...rest, ...(publicUrl === undefined ? {} : { publicUrl }) }
  return { ...rest, publicUrl: (c) => publicUrl({ originalUrl: new URL(c.req.url).pathname + new URL(c.req.url).search }) }
}

/**
 * Mounts each route as `app.on(ALL, path, verifyWebhook(...), handler)`, the way the README does,
 * and serves the app through @hono/node-server's request listener (the one `serve()` uses).
 */
export const fixture: AdapterFixture<Hono, WebhookMiddleware, HonoNative> = {
  verifyWebhook: (options) => verifyWebhook(honoOptions(options)),
  app(routes, handler, before) {
    const app = new Hono()
    before?.(app)
    for (const [path, middleware] of Object.entries(routes)) {
      app.on(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], path, middleware, async (c) => {
        let response: Response | undefined
        const reply = (status: number, body?: unknown) => {
          response = body === undefined ? c.body(null, status as 200) : c.json(body, status as 200)
        }
        await handler(reply, { webhook: c.get('webhook'), body: c.get('webhook').payload }, { c })
        return response ?? c.body(null, 204)
      })
    }
    // read app.fetch per request: the proxy-trust recipe of the tests replaces it
    return getRequestListener((request, env) => app.fetch(request, env))
  },
}

/**
 * Hono has no "trust proxy" setting: behind a proxy the app's entry rewrites the request's origin
 * from X-Forwarded-Proto and -Host before Hono sees it (or sets `publicUrl`). This is that recipe.
 */
export function trustForwarded(app: Hono): void {
  const fetch = app.fetch
  app.fetch = (request, ...rest) => {
    const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim()
    const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim()
    if (!proto || !host) return fetch(request, ...rest)
    const url = new URL(request.url)
    const outside = `${proto}://${host}${url.pathname}${url.search}`
    return fetch(new Request(outside, request), ...rest)
  }
}

export const HONO = [['Hono 4', fixture]] as const
