// The shared adapter suite against a real Next.js server: the test app (test/app) has one
// catch-all App Router route and one Pages API route that hand each request to the route the
// suite built in this process (`withWebhook` / `withWebhookApi` from the sources), so one
// `next build` serves every configuration; Next itself turns the HTTP request into the
// `Request` (or `NextApiRequest`) and writes the answer back.

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import type { WebhookFlow } from '@hookproof/core/adapter'
import { type ApiRoute, type NextWebhookOptions, type RouteHandler, withWebhook, withWebhookApi } from '@hookproof/next'
import type { NextApiRequest } from 'next/types.js'
import type { AdapterFixture, AdapterOptions, Reply } from '../../core/test/adapter-suite/index.js'
import { appDir } from './build-app.js'

/** What the fixture's `verifyWebhook(options)` gives: the options, kept until a route is built with them. */
export interface NextRoute {
  options: AdapterOptions
  on: WebhookFlow['on']
}

interface Suite {
  dispatch(request: Request, context: unknown): Promise<Response>
  dispatchApi(req: IncomingMessage, res: ServerResponse): Promise<void>
}

const APP = 'x-hookproof-suite'
const URL_HEADER = 'x-hookproof-url'
const appRoutes = new Map<string, Map<string, RouteHandler>>()
const apiRoutes = new Map<string, Map<string, ApiRoute>>()
let ids = 0

const suite: Suite = {
  async dispatch(request, context) {
    const route = appRoutes.get(request.headers.get(APP) ?? '')?.get(new URL(request.url).pathname)
    return route === undefined ? new Response('no such route', { status: 404 }) : route(request, context)
  },
  async dispatchApi(req, res) {
    req.url = String(req.headers[URL_HEADER])
    const route = apiRoutes.get(String(req.headers[APP]))?.get(req.url.split('?')[0] as string)
    if (route === undefined) {
      res.statusCode = 404
      res.end('no such route')
      return
    }
    return route(req as Parameters<ApiRoute>[0], res as Parameters<ApiRoute>[1])
  },
}
;(globalThis as { __hookproofSuite?: Suite }).__hookproofSuite = suite

let handle: RequestListener | undefined
let close: (() => Promise<void>) | undefined

/** Loads the built test app into this process (`next({ dev: false })`), once per test file. */
export async function startInProcess(): Promise<void> {
  // required, not imported: `next`'s global types would make process.env.NODE_ENV read-only for the whole repository's typecheck
  const next = createRequire(import.meta.url)('next') as (options: { dev: boolean; dir: string; quiet: boolean }) => {
    prepare(): Promise<void>
    getRequestHandler(): RequestListener
    close(): Promise<void>
  }
  const app = next({ dev: false, dir: appDir, quiet: true })
  await app.prepare()
  handle = app.getRequestHandler()
  close = () => app.close()
}

export async function stopInProcess(): Promise<void> {
  await close?.()
}

function listener(rewrite: (req: IncomingMessage, id: string) => void, id: string): RequestListener {
  return (req, res) => {
    if (handle === undefined) throw new Error('startInProcess() first')
    rewrite(req, id)
    handle(req, res)
  }
}

const noOn = (() => {
  throw new Error('withWebhook() has no .on(): pass onEvent or emitter')
}) as WebhookFlow['on']

/** `publicUrl` as the suite writes it (a function of `{ originalUrl }`) for a Fetch Request. */
function appOptions(options: AdapterOptions): NextWebhookOptions {
  const { publicUrl, ...rest } = options
  if (typeof publicUrl !== 'function') return { ...rest, ...(publicUrl === undefined ? {} : { publicUrl }) }
  return {
    ...rest,
    publicUrl: (request) => {
      const url = new URL(request.url)
      return publicUrl({ originalUrl: url.pathname + url.search })
    },
  }
}

/** The same for a Pages Router request, whose `url` is the path and query as received. */
function apiOptions(options: AdapterOptions): NextWebhookOptions<NextApiRequest> {
  const { publicUrl, ...rest } = options
  if (typeof publicUrl !== 'function') return { ...rest, ...(publicUrl === undefined ? {} : { publicUrl }) }
  return { ...rest, publicUrl: (req) => publicUrl({ originalUrl: req.url ?? '/' }) }
}

/** App Router, node runtime: each suite route is `withWebhook(options, handler)` returning a Response. */
export const appRouter: AdapterFixture<unknown, NextRoute, { request: Request }> = {
  verifyWebhook: (options = {}) => {
    // adapter options are checked when the route module is imported: the suite's "throws at startup"
    withWebhook(appOptions(options), async () => new Response(null))
    return { options, on: noOn }
  },
  app(routes, handler) {
    const id = String(++ids)
    const table = new Map<string, RouteHandler>()
    for (const [path, { options }] of Object.entries(routes)) {
      table.set(
        path,
        withWebhook(appOptions(options), async (webhook, request) => {
          let response = new Response(null, { status: 500 })
          const reply: Reply = (status, body) => {
            response = body === undefined ? new Response(null, { status }) : Response.json(body, { status })
          }
          // the App Router hands rawBody over as the Uint8Array the Fetch body gave; the suite's
          // Buffer check is Express's and Koa's promise, so the bytes are viewed as one here
          const seen = { ...webhook, rawBody: Buffer.from(webhook.rawBody.buffer, webhook.rawBody.byteOffset, webhook.rawBody.byteLength) }
          await handler(reply, { webhook: seen, body: webhook.payload }, { request })
          return response
        }),
      )
    }
    appRoutes.set(id, table)
    return listener((req) => {
      req.headers[APP] = id
    }, id)
  },
}

/** Pages Router: each suite route is `withWebhookApi(options, handler)` behind `bodyParser: false`. */
export const pagesRouter: AdapterFixture<unknown, NextRoute, { req: IncomingMessage; res: ServerResponse }> = {
  verifyWebhook: (options = {}) => {
    withWebhookApi(apiOptions(options), () => {})
    return { options, on: noOn }
  },
  app(routes, handler) {
    const id = String(++ids)
    const table = new Map<string, ApiRoute>()
    for (const [path, { options }] of Object.entries(routes)) {
      table.set(
        path,
        withWebhookApi(apiOptions(options), async (webhook, req, res) => {
          const reply: Reply = (status, body) => (body === undefined ? res.status(status).end() : res.status(status).json(body))
          await handler(reply, { webhook, body: req.body }, { req, res })
        }),
      )
    }
    apiRoutes.set(id, table)
    return listener((req) => {
      req.headers[APP] = id
      req.headers[URL_HEADER] = req.url
      req.url = `/api/suite${req.url}`
    }, id)
  },
}
