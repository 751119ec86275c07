// import from '@hookproof/nestjs' in strict TypeScript. The decorators are applied as functions, since
// this project's tsconfig has no experimentalDecorators; in an app they are `@VerifyWebhook(...)` and `@Webhook()`.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { sign } from '@hookproof/core'
import { type NestWebhook, VerifyWebhook, Webhook } from '@hookproof/nestjs'
import { Controller, HttpCode, Module, Post } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'

const secret = 'install-test-secret'

class HooksController {
  handle(webhook: NestWebhook<{ delivered_for: { name: string } }>) {
    return { event: webhook.event, name: webhook.payload.delivered_for.name }
  }
}
const descriptor = Object.getOwnPropertyDescriptor(HooksController.prototype, 'handle') as PropertyDescriptor
const decorator = VerifyWebhook({ provider: 'orchest', secret })
const verified: string[] = []
decorator.on('verified', (event) => verified.push(event.provider ?? ''))
for (const decorate of [Post('orchest'), decorator, HttpCode(200)]) decorate(HooksController.prototype, 'handle', descriptor)
Webhook()(HooksController.prototype, 'handle', 0)
Controller('hooks')(HooksController)

class AppModule {}
Module({ controllers: [HooksController] })(AppModule)

const app = await NestFactory.create(AppModule, { rawBody: true, logger: false })
await app.listen(0, '127.0.0.1')
try {
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/hooks/orchest`
  const body = '{"type": "ping", "delivered_for": {"name": "nestjs esm"}}'
  const headers = { 'content-type': 'application/json', ...(await sign('orchest', { secret, body, event: 'ping' })) }

  const ok = await fetch(url, { method: 'POST', headers, body })
  assert.equal(ok.status, 200)
  assert.deepEqual(await ok.json(), { event: 'ping', name: 'nestjs esm' })
  assert.deepEqual(verified, ['orchest'])

  const forged = await fetch(url, { method: 'POST', headers, body: body.replace('esm', 'forged') })
  assert.equal(forged.status, 401)
  assert.equal(((await forged.json()) as { code: string }).code, 'SIGNATURE_MISMATCH')
} finally {
  await app.close()
}
