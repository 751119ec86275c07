// Web Crypto entry: browsers, Cloudflare Workers, Deno, Bun, edge runtimes.
export * from './common.js'
export { check, checkLambdaEvent, checkRequest, createVerifier, sign, verify, verifyLambdaEvent, verifyRequest } from './web.js'
