// `@hookproof/core/providers/standard-webhooks` on Web Crypto (Workers, Deno, Bun, browsers): the Standard Webhooks row
// alone, so a bundle holds this one provider. The functions are documented in ../api.ts.
import { bind } from '../api.js'
import { webCrypto } from '../crypto/web.js'
import { standardWebhooks } from '../providers/standard-webhooks.js'

export * from './shared.js'
export { standardWebhooks }

export const { createVerifier, verify, check, sign, verifyRequest, checkRequest, verifyLambdaEvent, checkLambdaEvent } = bind(webCrypto, {
  providers: { 'standard-webhooks': standardWebhooks },
  aliases: {},
})
