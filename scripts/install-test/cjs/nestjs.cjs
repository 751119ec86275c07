// require('@hookproof/nestjs') with Nest from the registry (Nest 12 is ESM-only: require(esm), Node >= 20.19):
// one signed delivery and one forged one through a real Nest app on the Express platform.
const assert = require('node:assert/strict')
const { Controller, HttpCode, Module, Post } = require('@nestjs/common')
const { NestFactory } = require('@nestjs/core')
const { sign } = require('@hookproof/core')
const { VerifyWebhook, Webhook } = require('@hookproof/nestjs')

const secret = 'install-test-secret'

// what @Post('orchest') @VerifyWebhook(...) @HttpCode(200) handle(@Webhook() webhook) compiles to
class HooksController {
  handle(webhook) {
    return { event: webhook.event, name: webhook.payload.delivered_for.name }
  }
}
const descriptor = Object.getOwnPropertyDescriptor(HooksController.prototype, 'handle')
for (const decorate of [Post('orchest'), VerifyWebhook({ provider: 'orchest', secret }), HttpCode(200)]) {
  decorate(HooksController.prototype, 'handle', descriptor)
}
Webhook()(HooksController.prototype, 'handle', 0)
Controller('hooks')(HooksController)

class AppModule {}
Module({ controllers: [HooksController] })(AppModule)

async function main() {
  const app = await NestFactory.create(AppModule, { rawBody: true, logger: false })
  await app.listen(0, '127.0.0.1')
  try {
    const url = `http://127.0.0.1:${app.getHttpServer().address().port}/hooks/orchest`
    const body = '{"type": "ping", "delivered_for": {"name": "nestjs cjs"}}'
    const headers = { 'content-type': 'application/json', ...(await sign('orchest', { secret, body, event: 'ping' })) }

    const ok = await fetch(url, { method: 'POST', headers, body })
    assert.equal(ok.status, 200)
    assert.deepEqual(await ok.json(), { event: 'ping', name: 'nestjs cjs' })

    const forged = await fetch(url, { method: 'POST', headers, body: body.replace('cjs', 'forged') })
    assert.equal(forged.status, 401)
    assert.equal(forged.headers.get('content-type'), 'application/problem+json')
    assert.equal((await forged.json()).code, 'SIGNATURE_MISMATCH')
  } finally {
    await app.close()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
