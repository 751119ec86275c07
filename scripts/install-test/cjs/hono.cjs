// require('@hookproof/hono') with Hono from the registry: one signed delivery, its redelivery and a forged one through app.request().
const assert = require('node:assert/strict')
const { Hono } = require('hono')
const { sign } = require('@hookproof/core')
const { verifyWebhook } = require('@hookproof/hono')

async function main() {
  const secret = 'install-test-secret'
  const app = new Hono()
  app.post('/hooks/orchest', verifyWebhook({ provider: 'orchest', secret }), (c) => {
    const webhook = c.get('webhook')
    return c.json({ event: webhook.event, name: webhook.payload.delivered_for.name })
  })
  const body = '{"type": "ping", "delivered_for": {"name": "hono cjs"}}'
  const headers = { 'content-type': 'application/json', ...(await sign('orchest', { secret, body, event: 'ping', id: 'hono-cjs-1' })) }

  const ok = await app.request('/hooks/orchest', { method: 'POST', headers, body })
  assert.equal(ok.status, 200)
  assert.deepEqual(await ok.json(), { event: 'ping', name: 'hono cjs' })

  const again = await app.request('/hooks/orchest', { method: 'POST', headers, body })
  assert.equal(again.status, 200)
  assert.equal((await again.json()).code, 'DUPLICATE_DELIVERY')

  const forged = await app.request('/hooks/orchest', { method: 'POST', headers, body: body.replace('cjs', 'forged') })
  assert.equal(forged.status, 401)
  assert.equal((await forged.json()).code, 'SIGNATURE_MISMATCH')
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
