// require('@hookproof/mock-sender'): build an Orchest ping (createDelivery), sign it, and check core accepts it;
// then `hookproof dev` from the tarball serves its page (dist/static) and verifies the delivery.
const assert = require('node:assert/strict')
const { verify } = require('@hookproof/core')
const { mkdtempSync, rmSync } = require('node:fs')
const { tmpdir } = require('node:os')
const { join } = require('node:path')
const { createDelivery, send, signDelivery, startDevServer } = require('@hookproof/mock-sender')

async function main() {
  const secret = 'install-test-secret'
  const signed = await signDelivery(createDelivery('orchest', { seed: 1 }), { secret, now: Date.now() })
  assert.match(signed.headers['X-Hub-Signature'], /^[0-9a-f]{64}$/)
  const hook = await verify({ body: signed.body, headers: signed.headers }, { provider: 'orchest', secret })
  assert.equal(hook.provider, 'orchest')
  assert.equal(hook.deliveryId, signed.deliveryId)

  const dir = mkdtempSync(join(tmpdir(), 'hookproof-dev-install-'))
  const dev = await startDevServer({ port: 0, dir, secrets: { orchest: secret }, log: () => {} })
  try {
    const page = await fetch(`${dev.url}/`)
    assert.equal(page.status, 200)
    assert.match(await page.text(), /<table id="deliveries"/)
    assert.equal((await fetch(`${dev.url}/_hookproof/static/app.js`)).status, 200)
    const result = await send(signed, { url: `${dev.url}/orchest` })
    assert.equal(result.attempts[0].status, 202)
    assert.equal(dev.store.list()[0].verdict.ok, true)
  } finally {
    await dev.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
