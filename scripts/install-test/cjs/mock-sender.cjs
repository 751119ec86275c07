// require('@hookproof/mock-sender'): build an Orchest ping, sign it, and check core accepts it.
const assert = require('node:assert/strict')
const { verify } = require('@hookproof/core')
const { orchestPing, signDelivery } = require('@hookproof/mock-sender')

async function main() {
  const secret = 'install-test-secret'
  const signed = await signDelivery(orchestPing({ seed: 1 }), { secret, now: Date.now() })
  assert.match(signed.headers['X-Hub-Signature'], /^[0-9a-f]{64}$/)
  const hook = await verify({ body: signed.body, headers: signed.headers }, { provider: 'orchest', secret })
  assert.equal(hook.provider, 'orchest')
  assert.equal(hook.deliveryId, signed.deliveryId)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
