import type { AddressInfo } from 'node:net'
import { sign } from '@hookproof/core'
import { bodyParser } from '@koa/bodyparser'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { verifyWebhook } from '../src/index.js'
import { KOA } from './app.js'

// A global @koa/bodyparser before the webhook middleware: 500 BODY_ALREADY_PARSED, and the server
// log gets ONE line with the code and the message naming the fix, with no logger configured.

const secret = 'test-secret-1'
const body = '{"delivered_for": {"name": "hook"}, "event": {"type": "ping"}}'

afterEach(() => {
  vi.restoreAllMocks()
})

describe.each(KOA)('%s: rejections are logged by default', (_name, Koa) => {
  it('a global @koa/bodyparser first: the first delivery logs one line with BODY_ALREADY_PARSED and the fix', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const app = new Koa()
    app.use(bodyParser())
    app.use(verifyWebhook({ provider: 'orchest', secret }))
    app.use((ctx) => {
      ctx.status = 204
    })
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const headers = { ...(await sign('orchest', { secret, body, id: 'd-1', event: 'ping' })), 'content-type': 'application/json' }
      const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers, body })
      expect(res.status).toBe(500)
      expect(((await res.json()) as { code: string }).code).toBe('BODY_ALREADY_PARSED')
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
    expect(warn).toHaveBeenCalledTimes(1)
    const line = String(warn.mock.calls[0]?.[0])
    expect(line.split('\n')).toHaveLength(1)
    expect(line).toContain('from orchest: 500 BODY_ALREADY_PARSED')
    const { message } = (warn.mock.calls[0]?.[1] ?? { message: '' }) as { message: string }
    expect(message).toContain('@koa/bodyparser')
    expect(line).toContain(message)
  })
})
