// `@hookproof/core/providers/github` on Web Crypto (Workers, Deno, Bun, browsers): this row alone, so a
// bundle holds no other provider. Written by scripts/provider-entries.ts; the functions are documented in ../api.ts.
import { bind } from '../api.js'
import { webCrypto } from '../crypto/web.js'
import { github } from '../providers/github.js'

export * from './shared.js'
export { github }

export const { createVerifier, verify, check, sign, verifyRequest, checkRequest, verifyLambdaEvent, checkLambdaEvent } = bind(webCrypto, {
  providers: { github },
  aliases: {},
})
