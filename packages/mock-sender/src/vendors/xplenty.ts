/**
 * Xplenty (Integrate.io ETL) service hooks: the body is the API's JSON for the job or cluster the
 * event is about (as `GET /:account_id/api/jobs/:id` returns it). Where a delivery names its event
 * and the ping's shape are undocumented; the mock's ping body is illustrative.
 *
 * @see https://www.integrate.io/docs/etl/service-hooks/
 * @see https://github.com/xplenty/xplenty-api-doc-v2 resources/job.md, resources/cluster.md
 */
import { XPLENTY_EVENT_TYPES as CORE_XPLENTY_EVENT_TYPES } from '@hookproof/core'
import { type FactoryOptions, factoryContext, mergeHeaders, type UnsignedDelivery, utf8 } from '../delivery.js'
import { applyOverrides } from '../formats/overrides.js'
import { isoSeconds } from '../formats/time.js'
import type { Vendor } from './vendor.js'

/**
 * Every Xplenty service-hook event the mock can produce (`ping` aside): core's list.
 *
 * @example
 * XPLENTY_EVENT_TYPES.filter((e) => e.startsWith('cluster.')).length // 5
 */
export const XPLENTY_EVENT_TYPES = CORE_XPLENTY_EVENT_TYPES

/**
 * One Xplenty service-hook event.
 *
 * @example
 * const event: XplentyEventType = 'job.failed'
 * xplentyEvent({ event })
 */
export type XplentyEventType = (typeof XPLENTY_EVENT_TYPES)[number]

/**
 * Options of {@link xplentyEvent}.
 *
 * @example
 * const options: XplentyEventOptions = { event: 'cluster.available', accountId: 'acme', overrides: { nodes: 2 } }
 * const d = xplentyEvent(options)
 */
export interface XplentyEventOptions extends FactoryOptions {
  /** Default `job.completed`; `ping` for the test delivery. */
  event?: XplentyEventType | 'ping'
  /** Account id in resource URLs; default `acme`. */
  accountId?: string
  /** Overrides for the resource (job, cluster or ping body). */
  overrides?: Record<string, unknown>
}

/**
 * Xplenty's timeout is not published; the mock uses 10 s.
 *
 * @example
 * xplentyEvent().timeoutMs === XPLENTY_TIMEOUT_MS // true
 */
export const XPLENTY_TIMEOUT_MS = 10_000

const JOB_STATUS: Record<string, string> = {
  'job.submitted': 'idle',
  'job.started': 'running',
  'job.stopped': 'stopped',
  'job.completed': 'completed',
  'job.failed': 'failed',
}

const CLUSTER_STATUS: Record<string, string> = {
  'cluster.requested': 'pending',
  'cluster.available': 'available',
  'cluster.terminated': 'terminated',
  'cluster.idled': 'idle',
  'cluster.error': 'error',
}

/**
 * Builds one unsigned Xplenty delivery.
 *
 * @example
 * const d = xplentyEvent({ event: 'cluster.available', seed: 3 })
 * JSON.parse(bodyText(d)).status // 'available'
 */
export function xplentyEvent(options: XplentyEventOptions = {}): UnsignedDelivery {
  const { rng, now } = factoryContext(options)
  const event = options.event ?? 'job.completed'
  if (event !== 'ping' && !XPLENTY_EVENT_TYPES.includes(event)) {
    throw new TypeError(`unknown Xplenty event: ${String(event)}`)
  }
  const account = options.accountId ?? 'acme'
  const api = `https://api.xplenty.com/${account}/api`
  const web = `https://app.xplenty.com/${account}`
  const clusterId = rng.int(1000, 99999)
  const ownerId = rng.int(100, 9999)
  const created = isoSeconds(now - 15 * 60_000)
  const at = isoSeconds(now)
  const cluster = (status: string): Record<string, unknown> => ({
    id: clusterId,
    name: 'etl-production',
    description: '',
    status,
    owner_id: ownerId,
    plan_id: null,
    nodes: 2,
    type: 'production',
    created_at: created,
    updated_at: at,
    available_since: status === 'pending' ? null : created,
    terminated_at: status === 'terminated' ? at : null,
    running_jobs_count: status === 'available' ? 1 : 0,
    terminate_on_idle: true,
    time_to_idle: 3600,
    terminated_on_idle: false,
    region: 'amazon-web-services::us-east-1',
    master_instance_type: null,
    slave_instance_type: null,
    url: `${api}/clusters/${clusterId}`,
    html_url: `${web}/clusters/${clusterId}`,
    creator: { type: 'User', id: ownerId, url: `${api}/members/${ownerId}` },
  })
  let resource: Record<string, unknown>
  if (event === 'ping') {
    resource = { hook_id: rng.int(1, 9999), event: 'ping', created_at: at }
  } else if (event.startsWith('job.')) {
    const status = JOB_STATUS[event] ?? 'running'
    const jobId = rng.int(100000, 9999999)
    const packageId = rng.int(1000, 99999)
    const done = ['completed', 'failed', 'stopped'].includes(status)
    resource = {
      id: jobId,
      status,
      variables: {},
      owner_id: ownerId,
      progress: status === 'completed' ? 1 : status === 'idle' ? 0 : 0.5,
      outputs_count: 1,
      outputs: [],
      started_at: status === 'idle' ? null : created,
      created_at: created,
      failed_at: status === 'failed' ? at : null,
      updated_at: at,
      cluster_id: clusterId,
      package_id: packageId,
      errors: status === 'failed' ? 'Output path already exists' : null,
      runtime_in_seconds: status === 'idle' ? 0 : 900,
      completed_at: done ? at : null,
      url: `${api}/jobs/${jobId}`,
      html_url: `${web}/jobs/${jobId}`,
      creator: { type: 'Schedule', id: rng.int(1, 9999) },
      log_url: `${api}/jobs/${jobId}/log`,
    }
  } else {
    resource = cluster(CLUSTER_STATUS[event] ?? 'available')
  }
  const body = applyOverrides(resource, options.overrides)
  const contentType = 'application/json'
  return {
    provider: 'xplenty',
    method: 'POST',
    ...(options.url === undefined ? {} : { url: options.url }),
    headers: mergeHeaders({ 'Content-Type': contentType }, options.headers),
    body: utf8(JSON.stringify(body)),
    contentType,
    event,
    payload: body,
    createdAt: now,
    timeoutMs: XPLENTY_TIMEOUT_MS,
  }
}

/**
 * Xplenty as the mock sends it: its job and cluster events (`job.completed` first) and the hook
 * test `ping`; no published retry.
 *
 * @example
 * xplentyVendor.events[0] // 'job.completed'
 */
export const xplentyVendor: Vendor = {
  events: ['job.completed', ...XPLENTY_EVENT_TYPES.filter((e) => e !== 'job.completed'), 'ping'],
  timeoutMs: XPLENTY_TIMEOUT_MS,
  create: ({ event, method: _method, vendor, ...common }) =>
    xplentyEvent({ ...vendor, ...common, event: (event ?? 'job.completed') as XplentyEventType | 'ping' }),
}
