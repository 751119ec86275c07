// import from '@hookproof/express' in strict TypeScript: `req.webhook` is typed by the package's augmentation.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { sign } from '@hookproof/core'
import { verifyWebhook } from '@hookproof/express'
import express from 'express'

const secret = 'install-test-secret'
const app = express()
app.post('/hooks/orchest', verifyWebhook({ provider: 'orchest', secret }), (req, res) => {
  const name = (req.body as { delivered_for: { name: string } }).delivered_for.name
  res.json({ event: req.webhook?.event, name })
})
const server = app.listen(0, '127.0.0.1')
await once(server, 'listening')
try {
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/orchest`
  const body = '{"type": "ping", "delivered_for": {"name": "express esm"}}'
  const headers = { 'content-type': 'application/json', ...(await sign('orchest', { secret, body, event: 'ping' })) }

  const ok = await fetch(url, { method: 'POST', headers, body })
  assert.equal(ok.status, 200)
  assert.deepEqual(await ok.json(), { event: 'ping', name: 'express esm' })

  const forged = await fetch(url, { method: 'POST', headers, body: body.replace('esm', 'forged') })
  assert.equal(forged.status, 401)
  assert.equal(((await forged.json()) as { code: string }).code, 'SIGNATURE_MISMATCH')
} finally {
  server.close()
}
