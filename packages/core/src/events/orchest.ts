/**
 * Orchest's event types and the payload each one carries, for the router. The list is the
 * `event_types` rows orchest-api's migrations insert; it is the one list (the mock sender
 * re-exports it).
 *
 * @see https://github.com/orchest/orchest/blob/master/docs/source/fundamentals/notifications.md
 * @see orchest-api `app/models/_events.py` (`to_notification_payload`, layer by layer)
 */
import type { OrchestPayload } from '../payloads.js'

const SUFFIXES = {
  'project:': ['created', 'deleted', 'updated'],
  'project:pipeline:': ['created', 'deleted', 'updated'],
  'project:pipeline:interactive-session:': ['started', 'stopped', 'succeeded', 'failed', 'service-restarted'],
  'project:pipeline:interactive-session:pipeline-run:': ['created', 'started', 'succeeded', 'failed', 'cancelled'],
  'project:environment:': ['created', 'deleted'],
  'project:environment:image-build:': ['created', 'started', 'succeeded', 'failed', 'cancelled'],
  'project:one-off-job:': ['created', 'started', 'succeeded', 'failed', 'cancelled', 'deleted', 'updated'],
  'project:one-off-job:pipeline-run:': ['created', 'started', 'succeeded', 'failed', 'cancelled', 'deleted'],
  // no 'succeeded': "cronjobs never succeed" (orchest-api migration 92dcc9963a9c_.py)
  'project:cron-job:': ['created', 'started', 'failed', 'cancelled', 'deleted', 'updated', 'paused', 'unpaused'],
  'project:cron-job:run:': ['started', 'succeeded', 'failed'],
  'project:cron-job:run:pipeline-run:': ['created', 'started', 'succeeded', 'failed', 'cancelled', 'deleted'],
  'jupyter:image-build:': ['created', 'started', 'succeeded', 'failed', 'cancelled'],
} as const

type Suffixes = typeof SUFFIXES

/**
 * One of Orchest's 58 event types. `ping` (the test delivery) is not one of them.
 *
 * @example
 * const type: OrchestEventType = 'project:one-off-job:pipeline-run:failed'
 */
export type OrchestEventType = { [P in keyof Suffixes]: `${P}${Suffixes[P][number]}` }[keyof Suffixes]

/**
 * All 58 Orchest event types, in the order of Orchest's table.
 *
 * @example
 * ORCHEST_EVENT_TYPES.length // 58
 * ORCHEST_EVENT_TYPES.includes('project:cron-job:run:failed') // true
 */
export const ORCHEST_EVENT_TYPES: readonly OrchestEventType[] = Object.freeze(
  Object.entries(SUFFIXES).flatMap(([prefix, suffixes]) => suffixes.map((suffix) => `${prefix}${suffix}` as OrchestEventType)),
)

type Open = { [key: string]: unknown }

/**
 * A pipeline step as Orchest lists it in runs (`steps`, `failed_steps`).
 *
 * @example
 * const failed: OrchestStep[] = payload.event.project.job.pipeline_run.failed_steps ?? []
 */
export interface OrchestStep {
  uuid: string
  title: string
  [key: string]: unknown
}

/**
 * A pipeline run inside a job or an interactive session.
 *
 * @example
 * router.on('project:one-off-job:pipeline-run:failed', ({ payload }) => {
 *   const run: OrchestPipelineRun = payload.event.project.job.pipeline_run
 *   console.log(run.url_path, run.failed_steps?.map((s) => s.title))
 * })
 */
export interface OrchestPipelineRun {
  uuid: string
  url_path: string
  status?: string
  number?: number
  parameters?: Record<string, unknown>
  steps?: OrchestStep[]
  failed_steps?: OrchestStep[]
  [key: string]: unknown
}

/**
 * A one-off or cron job (`project.job`).
 *
 * @example
 * router.on('project:cron-job:failed', ({ payload }) => {
 *   const job: OrchestJob = payload.event.project.job
 *   alert(`${job.name}: ${job.status}`)
 * })
 */
export interface OrchestJob {
  uuid: string
  name: string
  status: string
  pipeline_name: string
  url_path: string
  total_runs?: number
  [key: string]: unknown
}

type JobLayer<E extends string> = E extends `project:cron-job:run:pipeline-run:${string}`
  ? { run: { status: string; number: number; pipeline_run: OrchestPipelineRun } & Open }
  : E extends `project:cron-job:run:${string}`
    ? { run: { status: string; number: number } & Open }
    : E extends `project:${'one-off' | 'cron'}-job:pipeline-run:${string}`
      ? { pipeline_run: OrchestPipelineRun }
      : unknown

type ProjectLayer<E extends string> = E extends `project:pipeline:${infer Rest}`
  ? {
      pipeline: { uuid: string; name: string } & Open &
        (Rest extends `interactive-session:pipeline-run:${string}`
          ? { session: { pipeline_run: OrchestPipelineRun } & Open }
          : Rest extends `interactive-session:${string}`
            ? { session: Open }
            : unknown)
    }
  : E extends `project:environment:${infer Rest}`
    ? { environment: { uuid: string; url_path: string } & Open & (Rest extends `image-build:${string}` ? { image_build: Open } : unknown) }
    : E extends `project:${'one-off' | 'cron'}-job:${string}`
      ? { job: OrchestJob & JobLayer<E> }
      : unknown

/**
 * The `event` object of one Orchest event type: `type`, `uuid`, `timestamp`, then the nested
 * `project` (→ `pipeline`, `environment` or `job` → runs) or `jupyter` layers that type carries.
 *
 * @example
 * type Failed = OrchestEventBody<'project:one-off-job:pipeline-run:failed'>
 * const steps = (e: Failed) => e.project.job.pipeline_run.failed_steps
 */
export type OrchestEventBody<E extends string> = { type: E; uuid: string; timestamp: string } & Open &
  (E extends `project:${string}`
    ? { project: { uuid: string; name: string } & Open & ProjectLayer<E> }
    : E extends `jupyter:${string}`
      ? { jupyter: { image_build: Open } & Open }
      : unknown)

/**
 * The payload of one Orchest event type, as a routed handler receives it.
 *
 * @example
 * const onFailed = ({ payload }: { payload: OrchestEventPayload<'project:cron-job:run:failed'> }) =>
 *   console.log(payload.event.project.job.run.number)
 */
export interface OrchestEventPayload<E extends string> {
  delivered_for: OrchestPayload['delivered_for']
  event: OrchestEventBody<E>
  [key: string]: unknown
}

/**
 * Every Orchest event the router knows (the 58 types and `ping`), each with its payload.
 *
 * @example
 * type P = OrchestEvents['project:created'] // OrchestEventPayload<'project:created'>
 */
export type OrchestEvents = { [E in OrchestEventType | 'ping']: OrchestEventPayload<E> }

/**
 * Orchest's routing key: the signed payload's `event.type`, never the unsigned `X-Orchest-Event`
 * header, so a captured delivery with a changed header still runs the handler of what it is.
 */
export function orchestRouteKey(payload: unknown): string | undefined {
  const event = (payload as { event?: { type?: unknown } } | null | undefined)?.event
  const type = typeof event === 'object' && event !== null ? event.type : undefined
  return typeof type === 'string' ? type : undefined
}
