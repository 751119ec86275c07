/**
 * UP42 webhook deliveries: a JSON envelope `{event, liveMode, messageId, timestamp, body}` for
 * `job.status` and `order.status`. UP42 signs a list of header values (`Signature-Input`), not
 * the body; the mock's signing lists `content-digest` and `date` so the body is covered. Core's
 * `sign` adds `Content-Digest`, `Date` (from the signing clock) and the signature headers.
 *
 * @see https://docs.up42.com/developers/api-webhooks/create
 * @see https://github.com/up42/up42-webhooks (snippets/)
 */
import { type FactoryOptions, factoryContext, mergeHeaders, type UnsignedDelivery, utf8 } from '../delivery.js'
import { applyOverrides, type DeepPartial } from '../formats/overrides.js'
import { isoMillis } from '../formats/time.js'
import type { Vendor } from './vendor.js'

/**
 * The UP42 webhook events.
 *
 * @example
 * const event: Up42EventType = 'order.status'
 * up42Event({ event })
 */
export type Up42EventType = 'job.status' | 'order.status'
/**
 * Every UP42 event the mock can produce.
 *
 * @example
 * UP42_EVENT_TYPES.includes('job.status') // true
 */
export const UP42_EVENT_TYPES: readonly Up42EventType[] = Object.freeze(['job.status', 'order.status'])

/**
 * Job statuses seen in UP42's documentation and samples.
 *
 * @example
 * const status: Up42JobStatus = 'FAILED'
 * up42Event({ event: 'job.status', status })
 */
export type Up42JobStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ERROR' | 'CANCELLED'

/**
 * One task of a UP42 job, as listed in `body.tasks`.
 *
 * @example
 * const envelope = up42Event({ seed: 1 }).payload as Up42Envelope<Up42JobBody>
 * const failed: Up42Task[] = envelope.body.tasks.filter((t) => t.status === 'FAILED')
 */
export interface Up42Task {
  id: string
  status: Up42JobStatus
  startedAt: string
  finishedAt: string | null
  logUrl: string
}

/**
 * The `body` of a `job.status` delivery.
 *
 * @example
 * const job: Up42JobBody = (up42Event({ status: 'RUNNING' }).payload as Up42Envelope<Up42JobBody>).body
 * job.finishedAt // null while RUNNING
 */
export interface Up42JobBody {
  id: string
  status: Up42JobStatus
  startedAt: string
  finishedAt: string | null
  tasks: Up42Task[]
}

/**
 * `status` is documented (samples: `FULFILLED`, `FAILED PERMANENTLY`); `id` is illustrative.
 *
 * @example
 * const order: Up42OrderBody = (up42Event({ event: 'order.status' }).payload as Up42Envelope<Up42OrderBody>).body
 * order.status // 'FULFILLED'
 */
export interface Up42OrderBody {
  id: string
  status: string
}

/**
 * The JSON envelope of every UP42 delivery; `body` depends on the event.
 *
 * @example
 * const envelope = up42Event({ seed: 1 }).payload as Up42Envelope
 * envelope.event // 'job.status'
 */
export interface Up42Envelope<B = Up42JobBody | Up42OrderBody> {
  event: Up42EventType
  liveMode: boolean
  messageId: string
  timestamp: string
  body: B
}

/**
 * Options of {@link up42Event}.
 *
 * @example
 * const options: Up42EventOptions = { event: 'order.status', status: 'FAILED PERMANENTLY', overrides: { liveMode: false } }
 * const d = up42Event(options)
 */
export interface Up42EventOptions extends FactoryOptions {
  /** Default `job.status`. */
  event?: Up42EventType
  /** Shortcut for `body.status`: default `SUCCEEDED` for jobs, `FULFILLED` for orders. */
  status?: string
  /** Overrides for the envelope, including `messageId` and `body`. */
  overrides?: DeepPartial<Up42Envelope>
}

/**
 * UP42's timeout is not published; the mock uses 10 s.
 *
 * @example
 * up42Event().timeoutMs === UP42_TIMEOUT_MS // true
 */
export const UP42_TIMEOUT_MS = 10_000

/**
 * Builds one unsigned UP42 delivery.
 *
 * @example
 * const d = up42Event({ event: 'job.status', status: 'FAILED', seed: 7 })
 * d.deliveryId === (d.payload as Up42Envelope).messageId // true
 */
export function up42Event(options: Up42EventOptions = {}): UnsignedDelivery {
  const { rng, now } = factoryContext(options)
  const event = options.event ?? 'job.status'
  if (!UP42_EVENT_TYPES.includes(event)) throw new TypeError(`unknown UP42 event: ${String(event)}`)
  const messageId = rng.uuid()
  const startedMs = now - rng.int(60, 3600) * 1000
  let body: Up42JobBody | Up42OrderBody
  if (event === 'job.status') {
    const status = (options.status ?? 'SUCCEEDED') as Up42JobStatus
    const finishedAt = status === 'RUNNING' ? null : isoMillis(now)
    const jobId = rng.uuid()
    body = {
      id: jobId,
      status,
      startedAt: isoMillis(startedMs),
      finishedAt,
      tasks: [0, 1].map(() => {
        const taskId = rng.uuid()
        return {
          id: taskId,
          status,
          startedAt: isoMillis(startedMs),
          finishedAt,
          logUrl: `https://api.up42.com/v2/jobs/${jobId}/tasks/${taskId}/logs`,
        }
      }),
    }
  } else {
    body = { id: rng.uuid(), status: options.status ?? 'FULFILLED' }
  }
  const envelope = applyOverrides<Up42Envelope>({ event, liveMode: true, messageId, timestamp: isoMillis(now), body }, options.overrides)
  const contentType = 'application/json'
  return {
    provider: 'up42',
    method: 'POST',
    ...(options.url === undefined ? {} : { url: options.url }),
    // No Date here: core's sign() sets it from the signing clock, so the signed Date is current.
    headers: mergeHeaders({ 'Content-Type': contentType }, options.headers),
    body: utf8(JSON.stringify(envelope)),
    contentType,
    event: envelope.event,
    deliveryId: envelope.messageId,
    payload: envelope,
    createdAt: now,
    timeoutMs: UP42_TIMEOUT_MS,
  }
}

/**
 * UP42 as the mock sends it: `job.status` and `order.status`; no published retry.
 *
 * @example
 * up42Vendor.create({ seed: 1 }).event // 'job.status'
 */
export const up42Vendor: Vendor = {
  events: UP42_EVENT_TYPES,
  timeoutMs: UP42_TIMEOUT_MS,
  create: ({ event, method: _method, vendor, ...common }) =>
    up42Event({ ...vendor, ...common, event: (event ?? 'job.status') as Up42EventType }),
}
