// require('@hookproof/fastify') with Fastify from the registry: one signed delivery, one forged one and a JSON route outside the scope, through a real server.
const assert = require('node:assert/strict')
const fastify = require('fastify')
const { sign } = require('@hookproof/core')
const { verifyWebhook } = require('@hookproof/fastify')

async function main() {
  const secret = 'install-test-secret'
  const app = fastify()
  app.register(async (scope) => {
    await scope.register(verifyWebhook, { provider: 'orchest', secret })
    scope.post('/hooks/orchest', async (request) => ({ event: request.webhook.event, name: request.body.delivered_for.name }))
  })
  app.post('/api', async (request) => ({ parsed: request.body }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  try {
    const origin = `http://127.0.0.1:${app.server.address().port}`
    const url = `${origin}/hooks/orchest`
    const body = '{"type": "ping", "delivered_for": {"name": "fastify cjs"}}'
    const headers = { 'content-type': 'application/json', ...(await sign('orchest', { secret, body, event: 'ping' })) }

    const ok = await fetch(url, { method: 'POST', headers, body })
    assert.equal(ok.status, 200)
    assert.deepEqual(await ok.json(), { event: 'ping', name: 'fastify cjs' })

    const forged = await fetch(url, { method: 'POST', headers, body: body.replace('cjs', 'forged') })
    assert.equal(forged.status, 401)
    assert.match(forged.headers.get('content-type'), /application\/problem\+json/)
    assert.equal((await forged.json()).code, 'SIGNATURE_MISMATCH')

    const json = await fetch(`${origin}/api`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })
    assert.deepEqual(await json.json(), { parsed: { a: 1 } })
  } finally {
    await app.close()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
