/**
 * Event names and payload types per provider, for the router: one row per built-in provider.
 * A custom provider (a `defineProvider` row) adds its own row by declaration merging on
 * {@link RouterEvents}.
 */
import type { DbtCloudPayload, FivetranPayload, StandardWebhooksPayload, Up42Payload } from '../payloads.js'
import type { ProviderName } from '../providers/index.js'
import type { VerifiedWebhook } from '../verify.js'
import { type GithubEvents, githubRouteKeys } from './github.js'
import { ORCHEST_EVENT_TYPES, type OrchestEvents, orchestRouteKey } from './orchest.js'

/**
 * What a provider's deliveries can be routed on: `known` maps each documented event name to its
 * payload; `other` is the payload of any other name (`never` when the list is closed, so a typo
 * is a compile error).
 *
 * @example
 * type Billing = EventSpec<{ 'invoice.paid': { id: string } }> // closed: only 'invoice.paid'
 * type Loose = EventSpec<{}, unknown> // any name, unknown payload
 */
export interface EventSpec<Known extends object = object, Other = never> {
  readonly known: Known
  readonly other: Other
}

/**
 * Xplenty's documented service-hook events (where a delivery names its event is not documented).
 *
 * @example
 * const event: XplentyEventType = 'job.failed'
 */
export type XplentyEventType =
  | 'job.submitted'
  | 'job.started'
  | 'job.stopped'
  | 'job.completed'
  | 'job.failed'
  | 'cluster.requested'
  | 'cluster.available'
  | 'cluster.terminated'
  | 'cluster.idled'
  | 'cluster.error'
  | 'ping'

/**
 * The event spec of each built-in provider. Augment it for a custom provider:
 * `declare module '@hookproof/core' { interface RouterEvents { acme: EventSpec<{ 'build.done': Build }> } }`.
 *
 * @example
 * type P = RouterEvents['up42']['known']['order.status'] // the order.status envelope
 */
// providers-list: each vendor's typed event vocabulary (a type map; see the note on routing rows)
export interface RouterEvents {
  /** Y42 publishes no event list nor payload: any name, `unknown` payload. */
  y42: EventSpec<object, unknown>
  up42: EventSpec<{ [E in Up42Payload['event']]: Extract<Up42Payload, { event: E }> }>
  orchest: EventSpec<OrchestEvents>
  /** Routed on the payload's `jobStatus` (the `$jobStatus` of the body template), whose vocabulary is undocumented. */
  'designer-cloud': EventSpec<object, unknown>
  xplenty: EventSpec<{ [E in XplentyEventType]: unknown }, unknown>
  github: IsOpen<GithubEvents> extends true ? EventSpec<object, unknown> : EventSpec<GithubEvents>
  /** By `type`; pass your own map as `createRouter<Events>({ provider: 'standard-webhooks' })`. */
  'standard-webhooks': EventSpec<object, StandardWebhooksPayload>
  /** By `event`; Fivetran's list grows, so any name routes. */
  fivetran: EventSpec<object, FivetranPayload>
  /** By `eventType`: the three job events dbt Cloud documents. */
  'dbt-cloud': EventSpec<{ [E in 'job.run.started' | 'job.run.completed' | 'job.run.errored']: DbtCloudPayload }>
}

type IsOpen<M> = string extends keyof M ? true : false

/** @internal How the router finds a delivery's event names, per provider, most specific first. */
export interface RouteRow {
  /** Routing keys of a delivery. */
  keys(webhook: VerifiedWebhook): string[]
  /** The closed list of names `.on()` accepts at run time, when the vendor publishes one. */
  names?: readonly string[]
}

const byEvent: RouteRow = { keys: (w) => (w.event === undefined ? [] : [w.event]) }

/**
 * @internal The routing rows of the providers that need more than their event name (closed lists,
 * payload keys); any other registry row routes on `event` (`byEvent`).
 */
// providers-list: routing per vendor, kept in step with RouterEvents
export const ROUTES = {
  y42: byEvent,
  up42: { keys: byEvent.keys, names: ['job.status', 'order.status'] },
  orchest: {
    keys: (w) => {
      const key = orchestRouteKey(w.payload)
      return key === undefined ? [] : [key]
    },
    names: [...ORCHEST_EVENT_TYPES, 'ping'],
  },
  'designer-cloud': {
    keys: (w) => {
      if (w.event !== undefined) return [w.event]
      const status = (w.payload as { jobStatus?: unknown } | null | undefined)?.jobStatus
      return typeof status === 'string' && status !== '' ? [status] : []
    },
  },
  xplenty: byEvent,
  github: { keys: (w) => githubRouteKeys(w.event, w.payload) },
  'standard-webhooks': byEvent,
  'dbt-cloud': { keys: byEvent.keys, names: ['job.run.started', 'job.run.completed', 'job.run.errored'] },
} satisfies Partial<Record<ProviderName, RouteRow>>

export { byEvent as defaultRoute }
