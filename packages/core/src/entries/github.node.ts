// `@hookproof/core/providers/github` on node:crypto (selected by the `node` export condition): the GitHub row
// alone, so a bundle holds this one provider. The functions are documented in ../api.ts.
import { bind } from '../api.js'
import { nodeCrypto } from '../crypto/node.js'
import { github } from '../providers/github.js'

export * from './shared.js'
export { github }

export const { createVerifier, verify, check, sign, verifyRequest, checkRequest, verifyLambdaEvent, checkLambdaEvent } = bind(nodeCrypto, {
  providers: { github: github },
  aliases: {},
})
