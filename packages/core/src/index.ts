// Web Crypto entry (browsers, Cloudflare Workers, Deno, Bun, edge runtimes): the Web Crypto
// backend and every provider, bound here and nowhere else. The functions are documented in api.ts.
// A Worker that needs one provider imports `@hookproof/core/providers/<name>` instead.
import { bind } from './api.js'
import { webCrypto } from './crypto/web.js'
import { registry } from './registry.js'

export * from './common.js'

export const { createVerifier, verify, check, sign, verifyRequest, checkRequest, verifyLambdaEvent, checkLambdaEvent } = bind(
  webCrypto,
  registry,
)
