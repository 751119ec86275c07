/**
 * Orchest webhook deliveries: `{"delivered_for": {...}, "event": {...}}` serialised by Python's
 * `json.dumps` (JSON content type) or as `delivered_for=<quote_plus(json)>&event=<quote_plus(json)>`
 * (form content type), with `X-Orchest-Event`, `X-Orchest-Delivery` and `User-Agent: Orchest`.
 *
 * @see https://github.com/orchest/orchest/blob/master/docs/source/fundamentals/notifications.md
 * @see orchest-api `app/core/notifications/webhooks.py` and `app/models/_events.py` (shapes below)
 */
import { ORCHEST_EVENT_TYPES as CORE_ORCHEST_EVENT_TYPES, type OrchestEventType as CoreOrchestEventType } from '@hookproof/core'
import { type FactoryOptions, factoryContext, mergeHeaders, type UnsignedDelivery, utf8 } from '../delivery.js'
import { urlencode } from '../formats/form.js'
import { jsonbOrder } from '../formats/jsonb.js'
import { applyOverrides, type DeepPartial } from '../formats/overrides.js'
import { pyJson } from '../formats/python-json.js'
import type { Rng } from '../formats/random.js'
import { pythonUtcTimestamp } from '../formats/time.js'
import { defaultBackoffMs, type RetryPolicy } from '../wire/retry.js'
import type { Vendor } from './vendor.js'

/**
 * One of Orchest's 58 event types: core's union (`@hookproof/core`), so the router and the mock
 * sender read one list.
 *
 * @example
 * const type: OrchestEventType = 'project:cron-job:run:failed'
 * const d = orchestEvent({ type })
 */
export type OrchestEventType = CoreOrchestEventType

/**
 * All 58 Orchest event types, in the order of Orchest's table: core's list. `ping` is not among
 * them, nor `project:cron-job:succeeded` (a cron job never succeeds; its runs do).
 *
 * @example
 * ORCHEST_EVENT_TYPES.length // 58
 */
export const ORCHEST_EVENT_TYPES: readonly OrchestEventType[] = CORE_ORCHEST_EVENT_TYPES

/**
 * The two body encodings an Orchest webhook can be configured with.
 *
 * @example
 * orchestEvent({ type: 'project:created', contentType: 'application/x-www-form-urlencoded' satisfies OrchestContentType })
 */
export type OrchestContentType = 'application/json' | 'application/x-www-form-urlencoded'

/**
 * The webhook the delivery is for, as Orchest marshals it (url and subscriptions removed).
 *
 * @example
 * const { delivered_for } = orchestPing({ seed: 1 }).payload as { delivered_for: OrchestDeliveredFor }
 * delivered_for.name // 'Test webhook'
 */
export interface OrchestDeliveredFor {
  name: string
  verify_ssl: boolean
  content_type: OrchestContentType
  uuid: string
  type: 'webhook'
}

/**
 * Options of {@link orchestEvent}.
 *
 * @example
 * const options: OrchestEventOptions = { type: 'project:one-off-job:failed', contentType: 'application/json', projectName: 'billing', seed: 1 }
 * const d = orchestEvent(options)
 */
export interface OrchestEventOptions extends FactoryOptions {
  /** Event type; default `ping` (the test delivery). */
  type?: OrchestEventType | 'ping'
  /** Default `application/json`; also sets `delivered_for.content_type`. */
  contentType?: OrchestContentType
  /** Overrides for `delivered_for`. */
  deliveredFor?: DeepPartial<OrchestDeliveredFor>
  /** Overrides for `event` (merged into the generated event; `undefined` removes a key). */
  event?: Record<string, unknown>
  /** `X-Orchest-Delivery`; default a (seeded) UUID. */
  deliveryId?: string
  /**
   * Key order of `event`: `jsonb` (default for real events, read back from PostgreSQL) or
   * `insertion` (default for `ping`, built in Python and never stored).
   */
  keyOrder?: 'jsonb' | 'insertion'
  /** Orchest's project name in generated events. */
  projectName?: string
}

/**
 * Orchest's delivery timeout: requests' `timeout=5`, so 5 s to connect and 5 s for each read,
 * not 5 s for the whole response (`timeoutMode: 'connect-and-read'`).
 *
 * @example
 * orchestPing().timeoutMs === ORCHEST_TIMEOUT_MS // true
 */
export const ORCHEST_TIMEOUT_MS = 5_000

/**
 * The order Orchest's headers go on the wire: Python's http.client writes `Host` and
 * `Accept-Encoding: identity` first, then the prepared request's headers in insertion order
 * (requests sets `Content-Length`, then `Content-Type`; `_inject_headers` the rest).
 *
 * @example
 * orchestPing().headerOrder === ORCHEST_HEADER_ORDER // true
 */
export const ORCHEST_HEADER_ORDER: readonly string[] = Object.freeze([
  'Host',
  'Accept-Encoding',
  'Content-Length',
  'Content-Type',
  'X-Orchest-Event',
  'X-Orchest-Delivery',
  'X-Hub-Signature',
  'X-Orchest-Signature',
  'User-Agent',
])

/**
 * Builds one unsigned Orchest delivery.
 *
 * @example
 * const d = orchestEvent({ type: 'project:one-off-job:pipeline-run:failed', seed: 'ci' })
 * d.headers['X-Orchest-Event'] // 'project:one-off-job:pipeline-run:failed'
 */
export function orchestEvent(options: OrchestEventOptions = {}): UnsignedDelivery {
  const { rng, now } = factoryContext(options)
  const type = options.type ?? 'ping'
  if (type !== 'ping' && !ORCHEST_EVENT_TYPES.includes(type)) {
    throw new TypeError(`unknown Orchest event type: ${String(type)}`)
  }
  const contentType = options.contentType ?? 'application/json'
  const deliveredFor = applyOverrides<OrchestDeliveredFor>(
    {
      name: 'Test webhook',
      verify_ssl: false,
      content_type: contentType,
      uuid: rng.uuid(),
      type: 'webhook',
    },
    options.deliveredFor,
  )
  const deliveryId = options.deliveryId ?? rng.uuid()
  const generated =
    type === 'ping'
      ? {
          type,
          uuid: rng.uuid(),
          timestamp: pythonUtcTimestamp(now, rng.int(0, 999)),
        }
      : orchestEventPayload(type, rng, now, options.projectName ?? 'analytics')
  const event = applyOverrides<Record<string, unknown>>(generated, options.event)
  const keyOrder = options.keyOrder ?? (type === 'ping' ? 'insertion' : 'jsonb')
  const eventForBody = keyOrder === 'jsonb' ? jsonbOrder(event) : event

  const body =
    contentType === 'application/x-www-form-urlencoded'
      ? urlencode([
          ['delivered_for', pyJson(deliveredFor)],
          ['event', pyJson(eventForBody)],
        ])
      : pyJson({ delivered_for: deliveredFor, event: eventForBody })

  // Orchest sends a bare prepared Request through session.send(), which merges no Session
  // defaults (no Accept, no gzip): requests sets Content-Type, _inject_headers the X-Orchest-*
  // and User-Agent, and http.client adds Host and Accept-Encoding: identity by itself.
  const headers = mergeHeaders(
    {
      'Accept-Encoding': 'identity',
      'Content-Type': contentType,
      'X-Orchest-Event': String(event.type ?? type),
      'X-Orchest-Delivery': deliveryId,
      'User-Agent': 'Orchest',
    },
    options.headers,
  )
  return {
    provider: 'orchest',
    method: 'POST',
    ...(options.url === undefined ? {} : { url: options.url }),
    headers,
    body: utf8(body),
    contentType,
    event: String(event.type ?? type),
    deliveryId,
    payload: { delivered_for: deliveredFor, event },
    createdAt: now,
    timeoutMs: ORCHEST_TIMEOUT_MS,
    timeoutMode: 'connect-and-read',
    headerOrder: ORCHEST_HEADER_ORDER,
  }
}

/**
 * Orchest's test delivery: `orchestEvent({ ...options, type: 'ping' })`.
 *
 * @example
 * const d = orchestPing({ seed: 1 })
 * d.event // 'ping'
 */
export function orchestPing(options: Omit<OrchestEventOptions, 'type'> = {}): UnsignedDelivery {
  return orchestEvent({ ...options, type: 'ping' })
}

const JOB_STATUS: Record<string, string> = {
  created: 'PENDING',
  started: 'STARTED',
  succeeded: 'SUCCESS',
  failed: 'FAILURE',
  cancelled: 'ABORTED',
  deleted: 'ABORTED',
  updated: 'STARTED',
  paused: 'PAUSED',
  unpaused: 'STARTED',
}

const RUN_STATUS: Record<string, string> = {
  created: 'PENDING',
  started: 'STARTED',
  succeeded: 'SUCCESS',
  failed: 'FAILURE',
  cancelled: 'ABORTED',
  deleted: 'ABORTED',
}

interface Step {
  uuid: string
  title: string
}

/** The nested event body of `_events.py`'s `to_notification_payload`, layer by layer. */
function orchestEventPayload(type: OrchestEventType, rng: Rng, now: number, projectName: string): Record<string, unknown> {
  const suffix = type.slice(type.lastIndexOf(':') + 1)
  const event: Record<string, unknown> = {
    uuid: rng.uuid(),
    type,
    timestamp: pythonUtcTimestamp(now, rng.int(0, 999)),
  }
  if (type.startsWith('jupyter:')) {
    event.jupyter = { image_build: {} }
    return event
  }
  const projectUuid = rng.uuid()
  const project: Record<string, unknown> = { uuid: projectUuid, name: projectName }
  event.project = project
  const update = () => ({
    changes: [{ type: 'UPDATED', changed_object: 'name', old_value: 'draft', new_value: 'nightly' }],
  })
  if (type === 'project:updated') project.update = update()

  const pipelineUuid = rng.uuid()
  const steps: Step[] = [
    { uuid: rng.uuid(), title: 'extract' },
    { uuid: rng.uuid(), title: 'transform' },
  ]
  const parameters = (values: Record<string, unknown>) => {
    const out: Record<string, unknown> = {}
    for (const step of steps) out[step.uuid] = { step, parameters: {} }
    out.pipeline_parameters = { parameters: values }
    return out
  }

  if (type.startsWith('project:pipeline:')) {
    const pipeline: Record<string, unknown> = { uuid: pipelineUuid, name: 'main' }
    project.pipeline = pipeline
    if (type === 'project:pipeline:updated') pipeline.update = update()
    if (type.startsWith('project:pipeline:interactive-session:')) {
      const session: Record<string, unknown> = {}
      pipeline.session = session
      if (type.startsWith('project:pipeline:interactive-session:pipeline-run:')) {
        const run: Record<string, unknown> = {
          uuid: rng.uuid(),
          url_path: `/pipeline?project_uuid=${projectUuid}&pipeline_uuid=${pipelineUuid}`,
          steps,
          parameters: parameters({}),
        }
        if (suffix === 'failed') run.failed_steps = [steps[1]]
        session.pipeline_run = run
      }
    }
    return event
  }

  if (type.startsWith('project:environment:')) {
    const environmentUuid = rng.uuid()
    const environment: Record<string, unknown> = {
      uuid: environmentUuid,
      url_path: `/environment?project_uuid=${projectUuid}&environment_uuid=${environmentUuid}`,
    }
    project.environment = environment
    if (type.startsWith('project:environment:image-build:')) environment.image_build = {}
    return event
  }

  const isCron = type.startsWith('project:cron-job:')
  if (isCron || type.startsWith('project:one-off-job:')) {
    const jobUuid = rng.uuid()
    const isRunLayer = type.includes(':run:')
    const isPipelineRun = type.includes(':pipeline-run:')
    const jobSuffix = isRunLayer || isPipelineRun ? 'started' : suffix
    const job: Record<string, unknown> = {
      uuid: jobUuid,
      name: isCron ? 'Nightly refresh' : 'Backfill 2023',
      status: JOB_STATUS[jobSuffix] ?? 'STARTED',
      pipeline_name: 'main',
      url_path: `/job?project_uuid=${projectUuid}&job_uuid=${jobUuid}`,
      // Orchest's cron-job layer reuses the one-off layer here (total_runs, not schedule).
      total_runs: isCron ? 1 : 3,
    }
    project.job = job
    // Orchest nests the update one level deeper for jobs ({"update": {"update": ...}}).
    if (suffix === 'updated') job.update = { update: update() }
    const runNumber = rng.int(1, 40)
    const pipelineRun = (numberInRun: boolean): Record<string, unknown> => {
      const runUuid = rng.uuid()
      const run: Record<string, unknown> = {
        uuid: runUuid,
        parameters: parameters({ date: '2023-11-14' }),
        status: RUN_STATUS[suffix] ?? 'STARTED',
        number: runNumber,
        ...(numberInRun ? { number_in_run: 0 } : {}),
        url_path: `/job-run?project_uuid=${projectUuid}&pipeline_uuid=${pipelineUuid}&` + `job_uuid=${jobUuid}&run_uuid=${runUuid}`,
      }
      if (suffix === 'failed') run.failed_steps = [steps[1]]
      return run
    }
    if (isCron && isRunLayer) {
      const runStatus = isPipelineRun ? 'STARTED' : ({ started: 'STARTED', succeeded: 'SUCCESS', failed: 'FAILURE' }[suffix] ?? 'STARTED')
      const run: Record<string, unknown> = {
        status: runStatus,
        number: runNumber,
        total_pipeline_runs: 1,
      }
      job.run = run
      if (isPipelineRun) run.pipeline_run = pipelineRun(true)
    } else if (isPipelineRun) {
      job.pipeline_run = pipelineRun(false)
    }
  }
  return event
}

/**
 * Orchest: after the n-th failure, retry in `min(2^n, 3600)` s, with no maximum number of
 * attempts (orchest-api `core/notifications/webhooks.py`).
 *
 * @example
 * ORCHEST_RETRY.delayMs(1) // 2000
 * ORCHEST_RETRY.delayMs(12) // 3_600_000
 */
export const ORCHEST_RETRY: RetryPolicy = Object.freeze({
  name: 'orchest',
  maxAttempts: Number.POSITIVE_INFINITY,
  delayMs: defaultBackoffMs,
})

/**
 * Orchest as the mock sends it: the test `ping` and every event type, its 5 s connect-and-read
 * timeout and its unbounded backoff.
 *
 * @example
 * orchestVendor.create({ event: 'project:cron-job:run:failed', seed: 1 }).event // 'project:cron-job:run:failed'
 */
export const orchestVendor: Vendor = {
  events: ['ping', ...ORCHEST_EVENT_TYPES],
  timeoutMs: ORCHEST_TIMEOUT_MS,
  retry: ORCHEST_RETRY,
  create: ({ event, method: _method, vendor, ...common }) =>
    orchestEvent({ ...vendor, ...common, type: (event ?? 'ping') as OrchestEventType | 'ping' }),
}
