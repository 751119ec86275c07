import { type Provider, type ProviderName, providers, type SignInput, sign } from '@hookproof/core'

/** One secret per registry row: the row's own form where it has one (Standard Webhooks' `whsec_`), else a fixed text. */
export const SECRETS: Record<ProviderName, string> = Object.fromEntries(
  Object.entries(providers as Record<string, Provider>).map(([name, row]) => [name, row.secretExample ?? 'test-secret-1']),
) as Record<ProviderName, string>

export const PROVIDERS = Object.keys(SECRETS) as ProviderName[]

export interface Delivery {
  provider: ProviderName
  method: string
  body: string
  headers: Record<string, string>
  /** The payload the handler must see. */
  payload: unknown
}

let counter = 0

/** A realistic body per provider; UP42 carries its delivery id (`messageId`) inside the body. */
function bodyFor(provider: ProviderName, id: string): unknown {
  // providers-list: vendor-shaped bodies where an assertion reads a field; any other row gets the generic one
  switch (provider) {
    case 'up42':
      return {
        event: 'job.status',
        liveMode: false,
        messageId: id,
        timestamp: '2023-11-14T22:13:20Z',
        body: { id: 'job-1', status: 'SUCCEEDED', startedAt: '2023-11-14T22:00:00Z', finishedAt: '2023-11-14T22:13:20Z', tasks: [] },
      }
    case 'orchest':
      return { delivered_for: { name: 'hook', type: 'webhook' }, event: { type: 'project:one-off-job:succeeded', uuid: id } }
    case 'designer-cloud':
      return { jobId: id, jobStatus: 'Complete' }
    case 'xplenty':
      return { id: 42, status: 'completed', event: 'job.completed', ref: id }
    case 'y42':
      return { event: 'orchestration.run.finished', status: 'failed', run_id: id }
    case 'fivetran':
      return {
        event: 'sync_end',
        created: '2023-11-14T22:13:20.000Z',
        connector_id: 'acme_pg',
        sync_id: id,
        data: { status: 'SUCCESSFUL' },
      }
    case 'dbt-cloud':
      return {
        accountId: 1,
        eventId: id,
        timestamp: '2023-11-14T22:13:20Z',
        eventType: 'job.run.completed',
        data: { runStatus: 'Success' },
      }
    default:
      return { action: 'ping', id }
  }
}

/**
 * A signed delivery built with core's `sign`, as the vendor would send it. `id` is the delivery id
 * where the scheme has one; a fresh one by default so tests never collide in the replay store.
 */
export async function delivery(
  provider: ProviderName,
  options: {
    id?: string
    now?: number
    method?: string
    url?: string
    body?: string
    contentType?: string
    sign?: Partial<SignInput>
  } = {},
): Promise<Delivery> {
  const id = options.id ?? `delivery-${process.pid}-${++counter}`
  const method = options.method ?? 'POST'
  const payload = bodyFor(provider, id)
  const body = options.body ?? (method === 'GET' || method === 'DELETE' ? '' : JSON.stringify(payload))
  const signed = await sign(provider, {
    secret: SECRETS[provider],
    body,
    now: options.now ?? Date.now(),
    id,
    event: provider === 'github' ? 'ping' : 'project:one-off-job:succeeded',
    method,
    url: options.url,
    ...options.sign,
  })
  const headers: Record<string, string> = { ...signed }
  if (body !== '') headers['content-type'] = options.contentType ?? 'application/json'
  return { provider, method, body, headers, payload: parseOr(body) }
}

function parseOr(body: string): unknown {
  try {
    return body === '' ? undefined : JSON.parse(body)
  } catch {
    return undefined
  }
}
