import type { IncomingMessage } from 'node:http'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { receiver } from '../../core/test/adapter-suite/index.js'
import { EXPRESS } from './app.js'

const secret = "It's a Secret to Everybody"
// HMAC-SHA256 of BODY with the secret above, computed with Python's hmac (not by hookproof)
const BODY = '{"action":"ping","zen":"Keep it logically awesome."}'
const SIGNATURE = 'sha256=de907438b804e04feb54e19b6c4c77300e28aaf5ec6b7deba0bfa38dfc9e6adb'
// GitHub docs' published vector (packages/core/test/vectors/vectors.json, github-published)
const PUBLISHED = { body: 'Hello, World!', signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' }

// not IncomingMessage: another package's types declare rawBody on it as a string
type Keep = (req: { rawBody?: unknown }, buf: Buffer) => void
const keepBuffer: Keep = (req, buf) => {
  req.rawBody = buf
}

function post(app: Parameters<typeof request>[0], body: string, signature: string, type = 'application/json') {
  return request(app).post('/hook').set({ 'content-type': type, 'x-hub-signature-256': signature, 'x-github-event': 'ping' }).send(body)
}

describe.each(EXPRESS)('%s', (_name, express, fixture) => {
  /** An app with a global express.json({ verify }) before the webhook route, as NestJS and the usual recipe have it. */
  function globalJson(keep: Keep) {
    return receiver(fixture, { provider: 'github', secret }, undefined, (a) =>
      a.use(express.json({ verify: (req, _res, buf) => keep(req as { rawBody?: unknown }, buf) })),
    )
  }

  describe('req.rawBody kept by a global parser', () => {
    it('verifyWebhook() after a global express.json({ verify }) that kept the Buffer verifies those bytes', async () => {
      const { app, calls } = globalJson(keepBuffer)
      const res = await post(app, BODY, SIGNATURE)
      expect(res.status).toBe(200)
      expect(calls).toHaveLength(1)
      expect(calls[0]?.body).toEqual({ action: 'ping', zen: 'Keep it logically awesome.' })
      expect(Buffer.from(calls[0]?.webhook?.rawBody ?? []).toString()).toBe(BODY)
    })

    it('verifyWebhook() after a global express.json({ verify }) still rejects a wrong signature with 401 SIGNATURE_MISMATCH', async () => {
      const { app, calls } = globalJson(keepBuffer)
      const wrong = `sha256=${'0'.repeat(64)}`
      const res = await post(app, BODY, wrong)
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('SIGNATURE_MISMATCH')
      expect(calls).toHaveLength(0)
    })

    it('verifyWebhook() verifies the kept bytes, not the parsed body: a signature over other bytes is rejected', async () => {
      const { app, calls } = globalJson(keepBuffer)
      // the same JSON document with a space: express.json() parses both alike, the signature covers one
      const res = await post(app, BODY.replace(':', ': '), SIGNATURE)
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('SIGNATURE_MISMATCH')
      expect(calls).toHaveLength(0)
    })

    it('verifyWebhook() accepts a plain Uint8Array in req.rawBody', async () => {
      const { app, calls } = globalJson((req, buf) => {
        req.rawBody = new Uint8Array(buf)
      })
      const res = await post(app, BODY, SIGNATURE)
      expect(res.status).toBe(200)
      expect(calls).toHaveLength(1)
    })

    it("verifyWebhook() after express.text({ verify }) that kept the Buffer verifies GitHub's published vector", async () => {
      const { app, calls } = receiver(fixture, { provider: 'github', secret }, undefined, (a) =>
        a.use(express.text({ type: '*/*', verify: (req, _res, buf) => keepBuffer(req as { rawBody?: unknown }, buf) })),
      )
      const res = await post(app, PUBLISHED.body, PUBLISHED.signature, 'text/plain')
      expect(res.status).toBe(200)
      expect(calls[0]?.body).toBe('Hello, World!')
    })

    it('verifyWebhook() ignores a req.rawBody that is not bytes (a string) and answers 500 BODY_ALREADY_PARSED', async () => {
      const { app, calls } = globalJson((req, buf) => {
        req.rawBody = buf.toString('utf8')
      })
      const res = await post(app, BODY, SIGNATURE)
      expect(res.status).toBe(500)
      expect(res.body.code).toBe('BODY_ALREADY_PARSED')
      expect(calls).toHaveLength(0)
    })

    it('verifyWebhook() ignores req.rawBody while the stream is unread: it verifies the bytes on the wire', async () => {
      // a middleware planting other bytes must not replace what the sender sent
      const { app, calls } = receiver(fixture, { provider: 'github', secret }, undefined, (a) =>
        a.use((req: IncomingMessage, _res: unknown, next: () => void) => {
          ;(req as { rawBody?: unknown }).rawBody = Buffer.from(PUBLISHED.body)
          next()
        }),
      )
      const planted = await post(app, BODY, PUBLISHED.signature)
      expect(planted.status).toBe(401)
      expect(planted.body.code).toBe('SIGNATURE_MISMATCH')
      const real = await post(app, BODY, SIGNATURE)
      expect(real.status).toBe(200)
      expect(calls).toHaveLength(1)
    })
  })
})
