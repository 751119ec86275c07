// `@hookproof/core/providers/standard-webhooks` on node:crypto (selected by the `node` export condition): the Standard Webhooks row
// alone, so a bundle holds this one provider. The functions are documented in ../api.ts.
import { bind } from '../api.js'
import { nodeCrypto } from '../crypto/node.js'
import { standardWebhooks } from '../providers/standard-webhooks.js'

export * from './shared.js'
export { standardWebhooks }

export const { createVerifier, verify, check, sign, verifyRequest, checkRequest, verifyLambdaEvent, checkLambdaEvent } = bind(nodeCrypto, {
  providers: { 'standard-webhooks': standardWebhooks },
  aliases: {},
})
