// Web Crypto entry: browsers, Cloudflare Workers, Deno, Bun, edge runtimes.
export * from './common.js'
export { check, createVerifier, sign, verify } from './web.js'
