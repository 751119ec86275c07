// `@hookproof/core/providers/up42` on node:crypto (selected by the `node` export condition): the UP42 row
// alone, so a bundle holds this one provider. The functions are documented in ../api.ts.
import { bind } from '../api.js'
import { nodeCrypto } from '../crypto/node.js'
import { up42 } from '../providers/up42.js'

export * from './shared.js'
export { up42 }

export const { createVerifier, verify, check, sign, verifyRequest, checkRequest, verifyLambdaEvent, checkLambdaEvent } = bind(nodeCrypto, {
  providers: { up42: up42 },
  aliases: {},
})
