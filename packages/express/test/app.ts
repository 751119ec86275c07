import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import type { VerifiedWebhook, WebhookEvent } from '@hookproof/core'
import express from 'express'
import express4 from 'express4'
import request from 'supertest'
import { type ExpressWebhookOptions, verifyWebhook } from '../src/index.js'
import type { Delivery } from './deliveries.js'

/** Both majors, each test runs against both. */
export const EXPRESS = [
  ['Express 5', express],
  ['Express 4', express4],
] as const

export type ExpressFactory = typeof express
export type App = ReturnType<ExpressFactory>
type Handler = (req: express.Request, res: express.Response, next: express.NextFunction) => unknown

/** An app whose `/hook` route is `verifyWebhook(options)` and a handler that records each call. */
export function receiver(
  framework: ExpressFactory,
  options: ExpressWebhookOptions,
  handler: Handler = (_req, res) => res.status(200).json({ ok: true }),
  before?: (app: App) => void,
) {
  const app = framework()
  const calls: Array<{ webhook: VerifiedWebhook | undefined; body: unknown }> = []
  const events: WebhookEvent[] = []
  before?.(app)
  app.all('/hook', verifyWebhook({ onEvent: (e) => events.push(e), ...options }), (req, res, next) => {
    calls.push({ webhook: req.webhook, body: req.body })
    return handler(req, res, next)
  })
  return { app, calls, events }
}

/**
 * Sends a delivery with supertest, byte for byte: superagent re-serialises a Buffer under a JSON
 * content type and labels a bare string as a form, so each case gets the form it leaves alone.
 */
export function send(target: App | import('node:http').Server, d: Delivery, path = '/hook') {
  const method = d.method.toLowerCase() as 'post' | 'get' | 'put' | 'delete' | 'patch'
  const req = request(target)[method](path).set(d.headers)
  if (d.body === '') return req
  const typed = Object.keys(d.headers).some((name) => name.toLowerCase() === 'content-type')
  return req.send(typed ? d.body : Buffer.from(d.body))
}

/** Listens on 127.0.0.1 on a free port. */
export async function listen(app: App) {
  const server = await new Promise<import('node:http').Server>((resolve) => {
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
