// require('@hookproof/core') in a CommonJS app: sign a Designer Cloud delivery, verify it, reject a tampered copy.
const assert = require('node:assert/strict')
const { createVerifier, sign, verify, WebhookVerificationError } = require('@hookproof/core')

async function main() {
  const secret = 'install-test-secret'
  const body = JSON.stringify({ jobId: 42, jobStatus: 'Complete' })
  const url = 'https://receiver.example/hooks/designer-cloud'
  const headers = { 'content-type': 'application/json', ...(await sign('designer-cloud', { secret, body, url })) }

  const hook = await verify({ body, headers, method: 'POST', url }, { provider: 'designer-cloud', secret })
  assert.equal(hook.provider, 'designer-cloud')
  assert.deepEqual(hook.payload, { jobId: 42, jobStatus: 'Complete' })

  const result = await createVerifier({ provider: 'designer-cloud', secret }).check({ body: `${body} `, headers, method: 'POST', url })
  assert.equal(result.ok, false)
  assert.equal(result.code, 'SIGNATURE_MISMATCH')
  await assert.rejects(
    verify({ body: `${body} `, headers, method: 'POST', url }, { provider: 'designer-cloud', secret }),
    (error) => error instanceof WebhookVerificationError && error.code === 'SIGNATURE_MISMATCH',
  )
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
