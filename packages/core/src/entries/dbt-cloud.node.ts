// `@hookproof/core/providers/dbt-cloud` on node:crypto (the `node` export condition): this row alone, so a
// bundle holds no other provider. Written by scripts/provider-entries.ts; the functions are documented in ../api.ts.
import { bind } from '../api.js'
import { nodeCrypto } from '../crypto/node.js'
import { dbtCloud } from '../providers/dbt-cloud.js'

export * from './shared.js'
export { dbtCloud }

export const { createVerifier, verify, check, sign, verifyRequest, checkRequest, verifyLambdaEvent, checkLambdaEvent } = bind(nodeCrypto, {
  providers: { 'dbt-cloud': dbtCloud },
  aliases: {},
})
