// `@hookproof/core/adapter`, node:crypto backend (selected by the `node` export condition).
import { createFlowWith, type WebhookFlow, type WebhookFlowOptions } from './flow.js'
import { createVerifier } from './node-api.js'

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
