// import from '@hookproof/hono' in strict TypeScript: c.get('webhook') is typed by the middleware, no cast.
import assert from 'node:assert/strict'
import { sign } from '@hookproof/core'
import { verifyWebhook, type WebhookVariables } from '@hookproof/hono'
import { Hono } from 'hono'

const secret = 'install-test-secret'
const app = new Hono<{ Variables: WebhookVariables<{ delivered_for: { name: string } }> }>()
app.post('/hooks/orchest', verifyWebhook({ provider: 'orchest', secret }), (c) => {
  const webhook = c.get('webhook')
  return c.json({ event: webhook.event ?? null, name: webhook.payload.delivered_for.name })
})
const body = '{"type": "ping", "delivered_for": {"name": "hono esm"}}'
const headers = { 'content-type': 'application/json', ...(await sign('orchest', { secret, body, event: 'ping', id: 'hono-esm-1' })) }

const ok = await app.request('/hooks/orchest', { method: 'POST', headers, body })
assert.equal(ok.status, 200)
assert.deepEqual(await ok.json(), { event: 'ping', name: 'hono esm' })

const forged = await app.request('/hooks/orchest', { method: 'POST', headers, body: body.replace('esm', 'forged') })
assert.equal(forged.status, 401)
assert.equal(((await forged.json()) as { code: string }).code, 'SIGNATURE_MISMATCH')
