// require('@hookproof/express') with Express from the registry: one signed delivery and one forged one through a real server.
const assert = require('node:assert/strict')
const { once } = require('node:events')
const express = require('express')
const { sign } = require('@hookproof/core')
const { verifyWebhook } = require('@hookproof/express')

async function main() {
  const secret = 'install-test-secret'
  const app = express()
  app.post('/hooks/orchest', verifyWebhook({ provider: 'orchest', secret }), (req, res) => {
    res.json({ event: req.webhook.event, name: req.body.delivered_for.name })
  })
  const server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  try {
    const url = `http://127.0.0.1:${server.address().port}/hooks/orchest`
    const body = '{"type": "ping", "delivered_for": {"name": "express cjs"}}'
    const headers = { 'content-type': 'application/json', ...(await sign('orchest', { secret, body, event: 'ping' })) }

    const ok = await fetch(url, { method: 'POST', headers, body })
    assert.equal(ok.status, 200)
    assert.deepEqual(await ok.json(), { event: 'ping', name: 'express cjs' })

    const forged = await fetch(url, { method: 'POST', headers, body: body.replace('cjs', 'forged') })
    assert.equal(forged.status, 401)
    assert.match(forged.headers.get('content-type'), /application\/problem\+json/)
    assert.equal((await forged.json()).code, 'SIGNATURE_MISMATCH')
  } finally {
    server.close()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
