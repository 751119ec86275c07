// import from '@hookproof/mock-sender': a signed Designer Cloud delivery that core accepts.
import assert from 'node:assert/strict'
import { verify } from '@hookproof/core'
import { createDelivery, type SignedDelivery, signDelivery, type UnsignedDelivery } from '@hookproof/mock-sender'

const secret = 'install-test-secret'
const delivery: UnsignedDelivery = createDelivery('designer-cloud', { seed: 2 })
const signed: SignedDelivery = await signDelivery(delivery, { secret, now: Date.now() })
const hook = await verify(
  { body: signed.body, headers: signed.headers, method: signed.method, ...(signed.url === undefined ? {} : { url: signed.url }) },
  { provider: 'designer-cloud', secret },
)
assert.equal(hook.provider, 'designer-cloud')
