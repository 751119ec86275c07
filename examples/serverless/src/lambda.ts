// AWS Lambda behind API Gateway (REST or HTTP API) or a function URL.
// REST APIs: add the webhook content types (or */*) to binaryMediaTypes so bodies arrive base64-encoded, byte-exact.
import {
  createVerifier,
  type LambdaHttpEvent,
  type LambdaResult,
  MemoryReplayStore,
  toLambdaResult,
  type VerifiedWebhook,
  type Verifier,
  verifyLambdaEvent,
} from '@hookproof/core'

/** Builds the handler around one verifier (tests pass one with a fixed clock). */
export function createHandler(verifier: Verifier) {
  return async function handler(event: LambdaHttpEvent): Promise<LambdaResult> {
    let hook: VerifiedWebhook
    try {
      hook = await verifyLambdaEvent(event, verifier)
    } catch (error) {
      return toLambdaResult(error) // { statusCode, headers, body } with problem+json
    }
    try {
      // your work for the delivery goes here
      const result: LambdaResult = {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provider: hook.provider, event: hook.event, deliveryId: hook.deliveryId, payload: hook.payload }),
        isBase64Encoded: false,
      }
      await hook.complete()
      return result
    } catch (error) {
      await hook.abort()
      throw error
    }
  }
}

// Built once per container, at cold start: a missing secret fails the init, not each request.
// Orchest and Designer Cloud on one URL: the provider is detected from the header and its grammar.
const verifier = createVerifier({
  providers: [
    { provider: 'orchest', secret: process.env.ORCHEST_WEBHOOK_SECRET },
    { provider: 'designer-cloud', secret: process.env.DESIGNER_CLOUD_WEBHOOK_SECRET },
  ],
  // per container only: concurrent containers need a shared store such as @hookproof/redis
  replayStore: new MemoryReplayStore(),
})

export const handler = createHandler(verifier)
