// node:crypto entry (selected by the exports map's `node` condition).
export * from './common.js'
export { check, checkLambdaEvent, checkRequest, createVerifier, sign, verify, verifyLambdaEvent, verifyRequest } from './node-api.js'
