// `@hookproof/core/adapter`, node:crypto backend (selected by the `node` export condition).
import { createRequire } from 'node:module'
import { createFlowWith, type WebhookFlow, type WebhookFlowOptions } from './flow.js'
import { createVerifier } from './node.js'
import type { OpenTelemetryApi } from './telemetry.js'

export * from './adapter-common.js'

let installed: OpenTelemetryApi | null | undefined

/**
 * `@opentelemetry/api` when the app has it installed (an optional peer): loaded once, from where
 * this package is installed, so it is the app's copy and sees the SDK the app registered.
 */
function installedTelemetry(): OpenTelemetryApi | undefined {
  if (installed === undefined) {
    try {
      // CJS build: resolved from this file; ESM build: from its URL (`require` would be a bundler shim there)
      installed = createRequire(typeof __filename === 'string' ? __filename : import.meta.url)('@opentelemetry/api') as OpenTelemetryApi
    } catch {
      installed = null
    }
  }
  return installed ?? undefined
}

/**
 * The one flow every adapter runs (verify, claim, handle, settle, report), on node:crypto. With
 * `@opentelemetry/api` installed it traces and counts each delivery (option `telemetry`).
 *
 * @example
 * const flow = createWebhookFlow({ provider: 'orchest', secret })
 * await flow.run({ readBody, readRequest, send, handle })
 */
export function createWebhookFlow(options: WebhookFlowOptions = {}): WebhookFlow {
  return createFlowWith(createVerifier, options, options.telemetry === false ? undefined : installedTelemetry())
}
