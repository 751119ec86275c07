// node:crypto entry (selected by the exports map's `node` condition): the node:crypto backend
// and every provider, bound here and nowhere else. The functions are documented in api.ts; each is its own
// export so that a bundler drops the ones not imported.
import {
  bindTable,
  checkLambdaEventOf,
  checkOf,
  checkRequestOf,
  createVerifierOf,
  signOf,
  verifyLambdaEventOf,
  verifyOf,
  verifyRequestOf,
} from './api.js'
import { nodeCrypto } from './crypto/node.js'
import { registry } from './registry.js'

export * from './common.js'

const bound = /* @__PURE__ */ bindTable(nodeCrypto, registry)
export const createVerifier = /* @__PURE__ */ createVerifierOf(bound)
export const verify = /* @__PURE__ */ verifyOf(bound)
export const check = /* @__PURE__ */ checkOf(bound)
export const sign = /* @__PURE__ */ signOf(bound)
export const verifyRequest = /* @__PURE__ */ verifyRequestOf(bound)
export const checkRequest = /* @__PURE__ */ checkRequestOf(bound)
export const verifyLambdaEvent = /* @__PURE__ */ verifyLambdaEventOf(bound)
export const checkLambdaEvent = /* @__PURE__ */ checkLambdaEventOf(bound)
