// The flow's startup checks and rejection log, kept out of flow.ts: the flow calls these two
// functions once at startup, and `log.rejected` once per rejection.
import type { WebhookFlowOptions } from './flow.js'
import { createRejectionLog, logOf, type RejectionLog, secretsIn } from './log.js'
import { checkOptionKeys, VERIFIER_OPTIONS } from './options.js'
import type { Verifier, VerifierOptions } from './verify.js'

const FLOW_ONLY_KEYS = {
  onError: true,
  onEvent: true,
  emitter: true,
  exposeDetails: true,
  router: true,
  inbox: true,
  telemetry: true,
} as const satisfies Record<Exclude<keyof WebhookFlowOptions, keyof VerifierOptions>, true>

/**
 * The option names `createWebhookFlow` accepts: the verifier's plus the flow's own. An adapter
 * removes its own options (Express and Koa: `limit`, `publicUrl`, `bodyTimeoutMs`) first.
 *
 * @example
 * FLOW_OPTIONS.includes('onError') // true
 */
export const FLOW_OPTIONS: readonly string[] = Object.freeze([...VERIFIER_OPTIONS, ...Object.keys(FLOW_ONLY_KEYS)])

/**
 * Throws `TypeError` naming the closest option for a key the flow does not know.
 *
 * @example
 * checkFlowOptions({ provider: 'orchest', secret, onevent: log }) // TypeError: ... (did you mean "onEvent"?)
 */
export function checkFlowOptions(options: object): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  checkOptionKeys(options, FLOW_OPTIONS, 'webhook options')
}

/**
 * The flow's rejection log: the verifier's (built from the same `logger` option), or one built
 * here for a verifier that carries none.
 *
 * @example
 * const log = flowLog(verifier, verifierOptions)
 */
export function flowLog(verifier: Verifier, options: VerifierOptions): RejectionLog {
  const log = logOf(verifier) ?? createRejectionLog(options.logger, secretsIn(options))
  return { rejected: (failure, explain) => log.rejected(withProvider(verifier, failure), explain), warn: log.warn }
}

/**
 * A failure before verification (body already parsed, too large) names the provider when the route has one.
 *
 * @example
 * withProvider(verifier, bodyAlreadyParsed(FIX, req.body)).provider // 'orchest'
 */
export function withProvider<F extends { provider?: string | undefined }>(verifier: Verifier, failure: F): F {
  const only = verifier.providers.length === 1 ? verifier.providers[0] : undefined
  return failure.provider === undefined && only !== undefined ? { ...failure, provider: only } : failure
}
