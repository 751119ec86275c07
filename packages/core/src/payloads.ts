import type { PayloadOfRow, Provider } from './provider.js'
import type { ProviderName, providers } from './providers/index.js'

/**
 * Payload shapes per provider, where the vendor documents them (VENDORS.md). Fields the vendor does
 * not publish are left open (`[key: string]: unknown`), so a new field never breaks your build.
 */

/**
 * UP42 `job.status` body (documented).
 *
 * @example
 * const hook = await createVerifier({ provider: 'up42', secret }).verify({ body, headers })
 * if (hook.payload.event === 'job.status') {
 *   const job: Up42JobStatusBody = hook.payload.body
 *   if (job.status === 'FAILED') alert(job.id)
 * }
 */
export interface Up42JobStatusBody {
  id: string
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ERROR' | 'CANCELLED' | (string & {})
  startedAt: string | null
  finishedAt: string | null
  tasks?: Array<{
    id: string
    status: string
    startedAt: string | null
    finishedAt: string | null
    logUrl?: string
    [key: string]: unknown
  }>
  [key: string]: unknown
}

/**
 * UP42 `order.status` body (only `status` is documented).
 *
 * @example
 * if (hook.payload.event === 'order.status') {
 *   const order: Up42OrderStatusBody = hook.payload.body
 *   if (order.status === 'FULFILLED') await fetchDeliverables()
 * }
 */
export interface Up42OrderStatusBody {
  status: 'FULFILLED' | 'FAILED PERMANENTLY' | (string & {})
  [key: string]: unknown
}

/**
 * UP42 envelope.
 *
 * @example
 * app.post('/up42', verifyWebhook({ provider: 'up42', secret }), (req, res) => {
 *   const p = req.webhook?.payload as Up42Payload
 *   if (p.event === 'job.status') console.log(p.body.status)
 * })
 */
export type Up42Payload =
  | { event: 'job.status'; liveMode: boolean; messageId: string; timestamp: string; body: Up42JobStatusBody }
  | { event: 'order.status'; liveMode: boolean; messageId: string; timestamp: string; body: Up42OrderStatusBody }

/**
 * Orchest delivery: `delivered_for` (the webhook) and `event` (type, uuid, timestamp, nested
 * project / job / pipeline_run objects depending on the type). Form bodies decode to the same shape.
 *
 * @example
 * const { payload } = await verifier.verify<OrchestPayload>({ body, headers })
 * console.log(payload.event.type)
 */
export interface OrchestPayload {
  delivered_for: { name: string; verify_ssl: boolean; content_type: string; uuid: string; type: string; [key: string]: unknown }
  event: { type: string; uuid: string; timestamp: string; [key: string]: unknown }
  [key: string]: unknown
}

/**
 * Standard Webhooks payload (`type`, `timestamp`, `data`, as the spec recommends).
 *
 * @example
 * const { payload } = await verifier.verify<StandardWebhooksPayload>({ body, headers })
 */
export interface StandardWebhooksPayload {
  type: string
  timestamp: string
  data: Record<string, unknown>
  [key: string]: unknown
}

export type { DbtCloudPayload } from './providers/dbt-cloud.js'
export type { FivetranPayload } from './providers/fivetran.js'

type RegistryPayloads = { [N in ProviderName]: PayloadOfRow<(typeof providers)[N]> }

/**
 * The payload type per built-in provider, read from the rows (each declares its own with
 * `payloadType<...>()`): documented shapes for UP42, Orchest, Standard Webhooks, Fivetran and dbt
 * Cloud; `unknown` where the vendor publishes none (Y42, Designer Cloud templates, Xplenty) or the
 * shape is too large to restate (GitHub: use `@octokit/webhooks-types`).
 *
 * @example
 * type P = ProviderPayloads['orchest'] // OrchestPayload
 */
export interface ProviderPayloads extends RegistryPayloads {}

/**
 * Payload type of a provider name or row; `unknown` for a row that declares none.
 *
 * @example
 * type P = PayloadOf<'up42'> // Up42Payload
 */
export type PayloadOf<Name> = Name extends keyof ProviderPayloads
  ? ProviderPayloads[Name]
  : Name extends Provider
    ? PayloadOfRow<Name>
    : unknown
