// import from '@hookproof/core' in a strict ESM TypeScript app: sign an Orchest delivery, verify it, reject a tampered copy.
import assert from 'node:assert/strict'
import { type CheckResult, createVerifier, sign, type VerifiedWebhook, verify, WebhookVerificationError } from '@hookproof/core'

interface OrchestPing {
  type: string
  delivered_for: { name: string }
}

const secret = 'install-test-secret'
const body = new TextEncoder().encode('{"type": "ping", "delivered_for": {"name": "install test"}}')
const headers: Record<string, string> = {
  'content-type': 'application/json',
  ...(await sign('orchest', { secret, body, id: 'install-test-delivery', event: 'ping' })),
}

const hook: VerifiedWebhook<OrchestPing> = await verify<OrchestPing>({ body, headers }, { provider: 'orchest', secret })
assert.equal(hook.provider, 'orchest')
assert.equal(hook.deliveryId, 'install-test-delivery')
assert.equal(hook.payload.delivered_for.name, 'install test')

const tampered = new TextEncoder().encode('{"type": "ping", "delivered_for": {"name": "tampered"}}')
const result: CheckResult = await createVerifier({ provider: 'orchest', secret }).check({ body: tampered, headers })
assert.equal(result.ok, false)
if (!result.ok) assert.equal(result.code, 'SIGNATURE_MISMATCH')
await assert.rejects(
  verify({ body: tampered, headers }, { provider: 'orchest', secret }),
  (error: unknown) => error instanceof WebhookVerificationError && error.code === 'SIGNATURE_MISMATCH',
)
