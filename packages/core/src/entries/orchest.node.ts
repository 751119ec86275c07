// `@hookproof/core/providers/orchest` on node:crypto (selected by the `node` export condition): the Orchest row
// alone, so a bundle holds this one provider. The functions are documented in ../api.ts.
import { bind } from '../api.js'
import { nodeCrypto } from '../crypto/node.js'
import { orchest } from '../providers/orchest.js'

export * from './shared.js'
export { orchest }

export const { createVerifier, verify, check, sign, verifyRequest, checkRequest, verifyLambdaEvent, checkLambdaEvent } = bind(nodeCrypto, {
  providers: { orchest: orchest },
  aliases: {},
})
