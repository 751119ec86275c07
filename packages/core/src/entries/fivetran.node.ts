// `@hookproof/core/providers/fivetran` on node:crypto (the `node` export condition): this row alone, so a
// bundle holds no other provider. Written by scripts/provider-entries.ts; the functions are documented in ../api.ts.
import { bind } from '../api.js'
import { nodeCrypto } from '../crypto/node.js'
import { fivetran } from '../providers/fivetran.js'

export * from './shared.js'
export { fivetran }

export const { createVerifier, verify, check, sign, verifyRequest, checkRequest, verifyLambdaEvent, checkLambdaEvent } = bind(nodeCrypto, {
  providers: { fivetran },
  aliases: {},
})
