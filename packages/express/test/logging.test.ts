import type { AddressInfo } from 'node:net'
import { sign } from '@hookproof/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { verifyWebhook } from '../src/index.js'
import { EXPRESS } from './app.js'

// The first failure a new user meets explains itself: an app with a global express.json() before
// the webhook route answers 500 BODY_ALREADY_PARSED, and the server log gets ONE line with the
// code and the message naming the fix, with no logger configured (console.warn by default).

const secret = 'test-secret-1'
const body = '{"delivered_for": {"name": "hook"}, "event": {"type": "ping"}}'

afterEach(() => {
  vi.restoreAllMocks()
})

async function post(
  app: { listen: (port: number, host: string, cb: () => void) => import('node:http').Server },
  headers: Record<string, string>,
) {
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  try {
    const { port } = server.address() as AddressInfo
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/orchest`, { method: 'POST', headers, body })
    return { status: res.status, problem: (await res.json()) as { code: string } }
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
}

describe.each(EXPRESS)('%s: rejections are logged by default', (_name, express) => {
  it('a global express.json() before the route: the first delivery logs one line with BODY_ALREADY_PARSED and the fix', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const app = express()
    app.use(express.json())
    app.post('/webhooks/orchest', verifyWebhook({ provider: 'orchest', secret }), (_req, res) => void res.sendStatus(204))
    const headers = { ...(await sign('orchest', { secret, body, id: 'd-1', event: 'ping' })), 'content-type': 'application/json' }
    const res = await post(app, headers)
    expect(res.status).toBe(500)
    expect(res.problem.code).toBe('BODY_ALREADY_PARSED')
    expect(warn).toHaveBeenCalledTimes(1)
    const line = String(warn.mock.calls[0]?.[0])
    expect(line.split('\n')).toHaveLength(1)
    expect(line).toContain('from orchest: 500 BODY_ALREADY_PARSED')
    // the message (the fix for Express) is the adapter's; this test pins only that it is there
    const { message } = (warn.mock.calls[0]?.[1] ?? { message: '' }) as { message: string }
    expect(message.length).toBeGreaterThan(20)
    expect(line).toContain(message)
    expect(line).not.toContain(secret)
  })

  it('a wrong secret logs 401 SIGNATURE_MISMATCH with "the secret differs"; logger: false logs nothing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const headers = {
      ...(await sign('orchest', { secret: 'the-real-one', body, id: 'd-2', event: 'ping' })),
      'content-type': 'application/json',
    }
    const app = express()
    app.post('/webhooks/orchest', verifyWebhook({ provider: 'orchest', secret }), (_req, res) => void res.sendStatus(204))
    expect((await post(app, headers)).status).toBe(401)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/401 SIGNATURE_MISMATCH: .*Hint: The secret differs/)
    warn.mockClear()
    const quiet = express()
    quiet.post('/webhooks/orchest', verifyWebhook({ provider: 'orchest', secret, logger: false }), (_req, res) => void res.sendStatus(204))
    expect((await post(quiet, headers)).status).toBe(401)
    expect(warn).not.toHaveBeenCalled()
  })

  it('an unknown option is a TypeError at startup naming the right one', () => {
    expect(() => verifyWebhook({ provider: 'orchest', secret, tolerance: 10 } as never)).toThrow(/did you mean "toleranceSeconds"/)
  })
})
