// require('@hookproof/koa') with Koa from the registry: one signed delivery and one forged one through a real server.
const assert = require('node:assert/strict')
const { once } = require('node:events')
const Koa = require('koa')
const { sign } = require('@hookproof/core')
const { verifyWebhook } = require('@hookproof/koa')

async function main() {
  const secret = 'install-test-secret'
  const app = new Koa()
  app.use(verifyWebhook({ provider: 'orchest', secret }))
  app.use((ctx) => {
    ctx.body = { event: ctx.state.webhook.event, name: ctx.request.body.delivered_for.name }
  })
  const server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  try {
    const url = `http://127.0.0.1:${server.address().port}/hooks/orchest`
    const body = '{"type": "ping", "delivered_for": {"name": "koa cjs"}}'
    const headers = { 'content-type': 'application/json', ...(await sign('orchest', { secret, body, event: 'ping' })) }

    const ok = await fetch(url, { method: 'POST', headers, body })
    assert.equal(ok.status, 200)
    assert.deepEqual(await ok.json(), { event: 'ping', name: 'koa cjs' })

    const forged = await fetch(url, { method: 'POST', headers, body: body.replace('cjs', 'forged') })
    assert.equal(forged.status, 401)
    assert.equal((await forged.json()).code, 'SIGNATURE_MISMATCH')
  } finally {
    server.close()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
