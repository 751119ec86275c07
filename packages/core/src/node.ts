// node:crypto entry (selected by the exports map's `node` condition): the node:crypto backend
// and every provider, bound here and nowhere else. The functions are documented in api.ts.
import { bind } from './api.js'
import { nodeCrypto } from './crypto/node.js'
import { registry } from './registry.js'

export * from './common.js'

export const { createVerifier, verify, check, sign, verifyRequest, checkRequest, verifyLambdaEvent, checkLambdaEvent } = bind(
  nodeCrypto,
  registry,
)
