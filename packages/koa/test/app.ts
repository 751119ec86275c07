import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import type { VerifiedWebhook, WebhookEvent } from '@hookproof/core'
import Koa from 'koa'
import Koa2 from 'koa2'
import request from 'supertest'
import { type KoaWebhookOptions, verifyWebhook } from '../src/index.js'
import type { Delivery } from './deliveries.js'

/** Both majors, each test runs against both. */
export const KOA = [
  ['Koa 3', Koa],
  ['Koa 2', Koa2],
] as const

export type KoaClass = typeof Koa
type Handler = (ctx: Koa.Context, next: Koa.Next) => unknown

/** An app whose `/hook` path runs `verifyWebhook(options)` and a handler that records each call. */
export function receiver(
  Framework: KoaClass,
  options: KoaWebhookOptions,
  handler: Handler = (ctx) => {
    ctx.status = 200
    ctx.body = { ok: true }
  },
  before?: (app: Koa) => void,
) {
  const app = new Framework()
  app.silent = true
  const calls: Array<{ webhook: VerifiedWebhook | undefined; body: unknown }> = []
  const events: WebhookEvent[] = []
  before?.(app)
  const verify = verifyWebhook({ onEvent: (e) => events.push(e), ...options })
  app.use(async (ctx, next) => {
    if (ctx.path !== '/hook') return next()
    await verify(ctx, async () => {
      calls.push({ webhook: ctx.state.webhook, body: ctx.request.body })
      await handler(ctx, next)
    })
  })
  return { app, calls, events }
}

/**
 * Sends a delivery with supertest, byte for byte: superagent re-serialises a Buffer under a JSON
 * content type and labels a bare string as a form, so each case gets the form it leaves alone.
 */
// biome-ignore lint/suspicious/noExplicitAny: any app state
export function send(target: Koa<any, any> | Server, d: Delivery, path = '/hook') {
  const method = d.method.toLowerCase() as 'post' | 'get' | 'put' | 'delete' | 'patch'
  const req = request(target instanceof Koa || target instanceof Koa2 ? target.callback() : target)
    [method](path)
    .set(d.headers)
  if (d.body === '') return req
  const typed = Object.keys(d.headers).some((name) => name.toLowerCase() === 'content-type')
  return req.send(typed ? d.body : Buffer.from(d.body))
}

/** Listens on 127.0.0.1 on a free port. */
export async function listen(app: Koa) {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return {
    server,
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Writes a raw HTTP request on a socket and collects what comes back (wrong Content-Length, aborted uploads). */
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
