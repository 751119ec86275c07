// A Hono app on @hookproof/hono bundled for a worker (no `node` condition) and run: the Web Crypto entry from the tarball.
import { sign } from '@hookproof/core'
import { verifyWebhook } from '@hookproof/hono'
import { Hono } from 'hono'

const secret = 'install-test-secret'
const app = new Hono()
app.post('/hook', verifyWebhook({ provider: 'orchest', secret: (c) => c.env.ORCHEST_WEBHOOK_SECRET }), (c) =>
  c.json({ name: c.get('webhook').payload.delivered_for.name }),
)
const env = { ORCHEST_WEBHOOK_SECRET: secret }
const body = '{"type": "ping", "delivered_for": {"name": "hono edge"}}'
const headers = { 'content-type': 'application/json', ...(await sign('orchest', { secret, body, id: 'hono-edge-delivery' })) }
const ok = await app.fetch(new Request('https://worker.example/hook', { method: 'POST', headers, body }), env)
const seen = await ok.json()
if (ok.status !== 200 || seen.name !== 'hono edge') throw new Error(`unexpected answer ${ok.status} ${JSON.stringify(seen)}`)
const forged = await app.fetch(
  new Request('https://worker.example/hook', { method: 'POST', headers, body: body.replace('edge', 'forged') }),
  env,
)
if (forged.status !== 401) throw new Error(`a forgery was answered ${forged.status}`)
