// import from '@hookproof/core' in a strict ESM TypeScript app: sign an Orchest delivery, verify it, reject a tampered copy.
import assert from 'node:assert/strict'
import {
  type CheckResult,
  createRouter,
  createVerifier,
  github,
  sign,
  type VerifiedWebhook,
  verify,
  WebhookVerificationError,
} from '@hookproof/core'

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

// the router, as a user without the optional @octokit/webhooks-types peer gets it: GitHub routes
// still compile (payload `unknown`) and Orchest's are typed from core alone
const routed: string[] = []
const router = createRouter({ provider: 'orchest', logger: false })
  .on('ping', ({ payload }) => void routed.push(payload.delivered_for.name))
  .on('project:one-off-job:pipeline-run:failed', ({ payload }) => void routed.push(payload.event.project.job.pipeline_run.url_path))
createRouter({ provider: 'github', logger: false }).on('push', ({ payload }) => void routed.push(typeof payload))
const pingBody = '{"delivered_for": {"name": "routed"}, "event": {"type": "ping", "uuid": "u", "timestamp": "t"}}'
const pingHeaders = {
  'content-type': 'application/json',
  ...(await sign('orchest', { secret, body: pingBody, id: 'install-test-ping', event: 'ping' })),
}
const answer = await router.handle(await verify({ body: pingBody, headers: pingHeaders }, { provider: 'orchest', secret }))
assert.equal(answer.status, 200)
assert.deepEqual(routed, ['routed'])

// a row with its vendor switches is a provider, also under exactOptionalPropertyTypes: GitHub's
// documented SHA-1 example verifies only with allowLegacySha1
const legacy = createVerifier({ provider: github({ allowLegacySha1: true }), secret: "It's a Secret to Everybody" })
const sha1 = { body: 'Hello, World!', headers: { 'X-Hub-Signature': 'sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59' } }
assert.equal((await legacy.check(sha1)).ok, true)
assert.equal((await createVerifier({ provider: github, secret: "It's a Secret to Everybody" }).check(sha1)).ok, false)
