// `@hookproof/core/providers/y42` on node:crypto (the `node` export condition): this row alone, so a
// bundle holds no other provider. Written by scripts/provider-entries.ts; the functions are documented in ../api.ts.
import { bind } from '../api.js'
import { nodeCrypto } from '../crypto/node.js'
import { y42 } from '../providers/y42.js'

export * from './shared.js'
export { y42 }

export const { createVerifier, verify, check, sign, verifyRequest, checkRequest, verifyLambdaEvent, checkLambdaEvent } = bind(nodeCrypto, {
  providers: { y42 },
  aliases: {},
})
