// `@hookproof/core/providers/xplenty` on Web Crypto (Workers, Deno, Bun, browsers): this row alone, so a
// bundle holds no other provider. Written by scripts/provider-entries.ts; the functions are documented in ../api.ts.
import { bind } from '../api.js'
import { webCrypto } from '../crypto/web.js'
import { xplenty, xplentyOptionsProblem } from '../providers/xplenty.js'

export * from './shared.js'
export { xplenty }

export const { createVerifier, verify, check, sign, verifyRequest, checkRequest, verifyLambdaEvent, checkLambdaEvent } = bind(webCrypto, {
  providers: { xplenty },
  aliases: {},
  optionsProblem: (options, rows) => (rows.includes(xplenty) ? xplentyOptionsProblem(options) : undefined),
})
