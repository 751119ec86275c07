// `@hookproof/core/providers/up42` on Web Crypto (Workers, Deno, Bun, browsers): this row alone, so a
// bundle holds no other provider. Written by scripts/provider-entries.ts; the functions are documented in ../api.ts.
import { bind } from '../api.js'
import { webCrypto } from '../crypto/web.js'
import { up42 } from '../providers/up42.js'

export * from './shared.js'
export { up42 }

export const { createVerifier, verify, check, sign, verifyRequest, checkRequest, verifyLambdaEvent, checkLambdaEvent } = bind(webCrypto, {
  providers: { up42 },
  aliases: {},
})
