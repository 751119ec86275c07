// import from '@hookproof/fastify' in strict TypeScript: `request.webhook` and `scope.hookproof` are typed by the package's augmentation.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { sign } from '@hookproof/core'
import { verifyWebhook, type WebhookRequest } from '@hookproof/fastify'
import fastify from 'fastify'

const secret = 'install-test-secret'
const app = fastify()
const rejected: string[] = []
app.register(async (scope) => {
  await scope.register(verifyWebhook, { provider: 'orchest', secret })
  scope.hookproof.on('rejected', (e) => rejected.push(e.code ?? ''))
  scope.post('/hooks/orchest', async (request) => {
    const { body } = request as WebhookRequest<{ delivered_for: { name: string } }>
    return { event: request.webhook?.event, name: body.delivered_for.name }
  })
})
await app.listen({ port: 0, host: '127.0.0.1' })
try {
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/hooks/orchest`
  const body = '{"type": "ping", "delivered_for": {"name": "fastify esm"}}'
  const headers = { 'content-type': 'application/json', ...(await sign('orchest', { secret, body, event: 'ping' })) }

  const ok = await fetch(url, { method: 'POST', headers, body })
  assert.equal(ok.status, 200)
  assert.deepEqual(await ok.json(), { event: 'ping', name: 'fastify esm' })

  const forged = await fetch(url, { method: 'POST', headers, body: body.replace('esm', 'forged') })
  assert.equal(forged.status, 401)
  assert.equal(((await forged.json()) as { code: string }).code, 'SIGNATURE_MISMATCH')
  assert.deepEqual(rejected, ['SIGNATURE_MISMATCH'])
} finally {
  await app.close()
}
