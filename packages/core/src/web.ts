import { bind } from './api.js'
import { webCrypto } from './crypto/web.js'

// documented where they are defined: createVerifier (verify.ts), verify/check (api.ts), sign (sign.ts), verifyRequest/checkRequest (fetch.ts), verifyLambdaEvent/checkLambdaEvent (lambda.ts)
export const { createVerifier, verify, check, sign, verifyRequest, checkRequest, verifyLambdaEvent, checkLambdaEvent } = bind(webCrypto)
