// `@hookproof/core/adapter`, Web Crypto backend (edge runtimes, Workers, Deno, Bun).
import { createFlowWith, type WebhookFlow, type WebhookFlowOptions } from './flow.js'
import { createVerifier } from './index.js'

export * from './adapter-common.js'

/**
 * The one flow every adapter runs (verify, claim, handle, settle, report), on this entry's crypto backend.
 *
 * @example
 * const flow = createWebhookFlow({ provider: 'orchest', secret })
 * await flow.run({ readBody, readRequest, send, handle })
 */
export function createWebhookFlow(options: WebhookFlowOptions = {}): WebhookFlow {
  return createFlowWith(createVerifier, options)
}
