// node:crypto entry (selected by the exports map's `node` condition).
export * from './common.js'
export { check, createVerifier, sign, verify } from './node-api.js'
