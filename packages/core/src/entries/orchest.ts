// `@hookproof/core/providers/orchest` on Web Crypto (Workers, Deno, Bun, browsers): this row alone, so a
// bundle holds no other provider. Written by scripts/provider-entries.ts; the functions are documented in ../api.ts.
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
} from '../api.js'
import { webCrypto } from '../crypto/web.js'
import { orchest } from '../providers/orchest.js'

export * from './shared.js'
export { orchest }

// one export per function, each `@__PURE__`: a bundler drops those not imported
const bound = /* @__PURE__ */ bindTable(webCrypto, { providers: { orchest }, aliases: {} })
export const createVerifier = /* @__PURE__ */ createVerifierOf(bound)
export const verify = /* @__PURE__ */ verifyOf(bound)
export const check = /* @__PURE__ */ checkOf(bound)
export const sign = /* @__PURE__ */ signOf(bound)
export const verifyRequest = /* @__PURE__ */ verifyRequestOf(bound)
export const checkRequest = /* @__PURE__ */ checkRequestOf(bound)
export const verifyLambdaEvent = /* @__PURE__ */ verifyLambdaEventOf(bound)
export const checkLambdaEvent = /* @__PURE__ */ checkLambdaEventOf(bound)
