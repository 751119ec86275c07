// require('@hookproof/next') with Next from the registry: an App Router handler called with Web
// Requests, as Next calls it, and a Pages Router handler behind a real node:http server.
const assert = require('node:assert/strict')
const { once } = require('node:events')
const { createServer } = require('node:http')
const { sign } = require('@hookproof/core')
const { withWebhook, withWebhookApi } = require('@hookproof/next')

async function main() {
  const secret = 'install-test-secret'
  const body = '{"type": "ping", "delivered_for": {"name": "next cjs"}}'
  const headers = { 'content-type': 'application/json', ...(await sign('orchest', { secret, body, event: 'ping' })) }

  const POST = withWebhook({ provider: 'orchest', secret }, async (webhook) =>
    Response.json({ event: webhook.event, name: webhook.payload.delivered_for.name }),
  )
  const ok = await POST(new Request('http://127.0.0.1/api/hooks', { method: 'POST', headers, body }), {})
  assert.equal(ok.status, 200)
  assert.deepEqual(await ok.json(), { event: 'ping', name: 'next cjs' })
  const again = await POST(new Request('http://127.0.0.1/api/hooks', { method: 'POST', headers, body }), {})
  assert.equal((await again.json()).code, 'DUPLICATE_DELIVERY')
  const forged = await POST(new Request('http://127.0.0.1/api/hooks', { method: 'POST', headers, body: body.replace('cjs', 'forged') }), {})
  assert.equal(forged.status, 401)
  assert.match(forged.headers.get('content-type'), /application\/problem\+json/)
  assert.equal((await forged.json()).code, 'SIGNATURE_MISMATCH')

  const api = withWebhookApi({ provider: 'orchest', secret }, (_webhook, req, res) => {
    res.statusCode = 202
    res.end(req.body.delivered_for.name)
  })
  const server = createServer((req, res) => api(req, res))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  try {
    const url = `http://127.0.0.1:${server.address().port}/api/hooks`
    const pages = await fetch(url, { method: 'POST', headers, body })
    assert.equal(pages.status, 202)
    assert.equal(await pages.text(), 'next cjs')
  } finally {
    server.close()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
