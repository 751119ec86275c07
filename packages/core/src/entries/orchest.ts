// `@hookproof/core/providers/orchest` on Web Crypto (Workers, Deno, Bun, browsers): the Orchest row
// alone, so a bundle holds this one provider. The functions are documented in ../api.ts.
import { bind } from '../api.js'
import { webCrypto } from '../crypto/web.js'
import { orchest } from '../providers/orchest.js'

export * from './shared.js'
export { orchest }

export const { createVerifier, verify, check, sign, verifyRequest, checkRequest, verifyLambdaEvent, checkLambdaEvent } = bind(webCrypto, {
  providers: { orchest: orchest },
  aliases: {},
})
