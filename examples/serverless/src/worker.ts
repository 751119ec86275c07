// Cloudflare Worker: `wrangler deploy src/worker.ts`, secrets via `wrangler secret put ORCHEST_WEBHOOK_SECRET`.
// Bundled for Workers, `@hookproof/core` resolves to its Web Crypto entry: no node:crypto, no nodejs_compat.
import { toResponse, type VerifiedWebhook, verifyRequest } from '@hookproof/core'
import { type Env, verifierForPath, verifiersFor } from './verifiers.js'

/** Your work for one verified delivery. Throwing here releases the delivery so the retry is processed. */
async function handle(hook: VerifiedWebhook): Promise<Response> {
  const payload = hook.payload instanceof Uint8Array ? `${hook.payload.length} bytes` : hook.payload
  return Response.json({ provider: hook.provider, event: hook.event, deliveryId: hook.deliveryId, payload })
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const verifier = verifierForPath(verifiersFor(env), new URL(request.url).pathname)
    if (verifier === undefined) return new Response('Not found', { status: 404 })
    let hook: VerifiedWebhook
    try {
      hook = await verifyRequest(request, verifier)
    } catch (error) {
      return toResponse(error) // problem+json: 400/401/409/413, or 200 for a delivery already processed
    }
    try {
      const response = await handle(hook)
      await (response.status < 500 ? hook.complete() : hook.abort())
      return response
    } catch (error) {
      await hook.abort()
      throw error
    }
  },
}
