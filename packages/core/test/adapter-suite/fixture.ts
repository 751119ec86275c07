import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import type { VerifiedWebhook } from '@hookproof/core'
import type { WebhookEvent, WebhookFlow, WebhookFlowOptions } from '@hookproof/core/adapter'
import request from 'supertest'
import type { Delivery } from './deliveries.js'

/** The options every adapter takes; `publicUrl` as a function reads only what both frameworks name alike. */
export interface AdapterOptions extends WebhookFlowOptions {
  limit?: number | string
  bodyTimeoutMs?: number
  publicUrl?: string | ((req: { originalUrl: string }) => string)
}

/** What the handler after `verifyWebhook()` saw: `req.webhook` / `ctx.state.webhook` and the body the framework holds. */
export interface Seen {
  webhook: VerifiedWebhook | undefined
  body: unknown
}

/** Answers `status`, with `body` as JSON when given. */
export type Reply = (status: number, body?: unknown) => void

/**
 * The handler that runs after `verifyWebhook()`: framework-neutral through `reply` and `seen`, a throw
 * is the framework's 500; `native` (`{ req, res, next }` or `{ ctx, next }`) is for the framework's own tests.
 */
export type Handler<Native = unknown> = (reply: Reply, seen: Seen, native: Native) => unknown

/** The middleware an adapter's `verifyWebhook()` returns; the suite only needs its `on`. */
export interface Middleware {
  on: WebhookFlow['on']
}

/**
 * How one framework major mounts `verifyWebhook()`: all the shared adapter suite needs to know.
 *
 * @example
 * const fixture: AdapterFixture<Express> = { verifyWebhook, app: (routes, handler, before) => ... }
 */
export interface AdapterFixture<App = unknown, M extends Middleware = Middleware, Native = unknown> {
  /** The adapter's `verifyWebhook`. */
  verifyWebhook(options?: AdapterOptions): M
  /**
   * An app that runs each route's middleware on its path and then `handler`. `before` sets the app up
   * first (a body parser, proxy trust) for the framework's own tests.
   */
  app(routes: Record<string, M>, handler: Handler<Native>, before?: (app: App) => void): RequestListener
}

const ok: Handler = (reply) => reply(200, { ok: true })

/** An app whose `/hook` runs `verifyWebhook(options)` and a handler that records each call. */
export function receiver<App, M extends Middleware, Native>(
  fixture: AdapterFixture<App, M, Native>,
  options: AdapterOptions,
  handler: Handler<Native> = ok,
  before?: (app: App) => void,
) {
  const calls: Seen[] = []
  const events: WebhookEvent[] = []
  const hook = fixture.verifyWebhook({ onEvent: (e) => events.push(e), ...options })
  const app = fixture.app(
    { '/hook': hook },
    (reply, seen, native) => {
      calls.push(seen)
      return handler(reply, seen, native)
    },
    before,
  )
  return { app, calls, events }
}

/**
 * Sends a delivery with supertest, byte for byte: superagent re-serialises a Buffer under a JSON
 * content type and labels a bare string as a form, so each case gets the form it leaves alone.
 */
export function send(target: RequestListener | Server, d: Delivery, path = '/hook') {
  const method = d.method.toLowerCase() as 'post' | 'get' | 'put' | 'delete' | 'patch'
  const req = request(target)[method](path).set(d.headers)
  if (d.body === '') return req
  const typed = Object.keys(d.headers).some((name) => name.toLowerCase() === 'content-type')
  return req.send(typed ? d.body : Buffer.from(d.body))
}

/** Listens on 127.0.0.1 on a free port. */
export async function listen(app: RequestListener) {
  const server = await new Promise<Server>((resolve) => {
    const s = createServer(app).listen(0, '127.0.0.1', () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return {
    server,
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/**
 * Writes a raw HTTP request on a socket and collects what comes back, for the cases a client
 * library will not send (wrong Content-Length, aborted uploads). `then` runs after the write.
 */
export function rawRequest(port: number, head: string, body: Buffer | string, then: 'wait' | 'end' | 'destroy' = 'wait') {
  const socket = connect(port, '127.0.0.1')
  let received = ''
  const closed = new Promise<string>((resolve) => {
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1')
    })
    socket.on('close', () => resolve(received))
    socket.on('error', () => {})
  })
  socket.write(head)
  socket.write(body)
  if (then === 'end') socket.end()
  if (then === 'destroy') socket.destroy()
  return { socket, closed, received: () => received }
}
