import type { ProviderAbout } from '../about.js'
import { payloadType } from '../provider.js'
import { schemeRowWith } from '../scheme.js'
import { PREFIX_GRAMMAR } from '../scheme-grammars.js'

/**
 * A dbt Cloud job webhook, as the docs' three example payloads show it.
 *
 * @example
 * const { payload } = await createVerifier({ provider: 'dbt-cloud', secret }).verify({ body, headers })
 * if (payload.eventType === 'job.run.errored') alert(payload.data.jobName)
 */
export interface DbtCloudPayload {
  accountId: number
  /** `wev_...`: the delivery id. */
  eventId: string
  /** ISO 8601 with nanoseconds. */
  timestamp: string
  eventType: 'job.run.started' | 'job.run.completed' | 'job.run.errored' | (string & {})
  webhookName: string
  data: {
    jobId: string
    jobName: string
    runId: string
    environmentId?: string
    environmentName?: string
    dbtVersion?: string
    projectName?: string
    runReason?: string
    runStartedAt?: string
    runFinishedAt?: string
    runErroredAt?: string
    runStatus: 'Running' | 'Success' | 'Errored' | (string & {})
    runStatusMessage?: string
    [key: string]: unknown
  }
  [key: string]: unknown
}

/**
 * dbt Cloud job webhooks: the `Authorization` header holds the HMAC-SHA256 of the raw body under
 * the webhook's secret token, as bare lowercase hex (the docs' Python example compares
 * `hmac.new(secret, body, sha256).hexdigest()` to the header with `==`). No timestamp header; the
 * body's `eventId` (`wev_...`) is the delivery id, signed with the body, so duplicates are keyed on
 * it; `eventType` is the event. Certain: header, hash, hex, message. Inferred: that a retry repeats
 * the `eventId` (dbt Cloud "retries sending each event five times"); the schedule is unpublished, so
 * a day is remembered.
 *
 * @see https://docs.getdbt.com/docs/deploy/webhooks#validate-a-webhook
 */
export const dbtCloud = schemeRowWith(
  { grammar: PREFIX_GRAMMAR },
  {
    name: 'dbt-cloud',
    title: 'dbt Cloud',
    docs: 'https://docs.getdbt.com/docs/deploy/webhooks#validate-a-webhook',
    envVar: 'DBT_CLOUD_WEBHOOK_SECRET',
    signature: { header: 'authorization', prefix: '', encoding: 'hex' },
    hash: 'SHA-256',
    signed: ['body'],
    // in the signed body: duplicates are keyed on it
    id: { field: 'eventId' },
    eventFrom: { field: 'eventType' },
    replayTtlSeconds: 86_400,
    dedupFallback: 'signature',
    payload: payloadType<DbtCloudPayload>(),
  },
)

/** What the generated docs tables say of this provider (`npm run docs:providers`). */
export const about = {
  value: 'bare 64 hex',
  signed: 'body',
  timestamp: 'none (the body has `timestamp`, not checked)',
  dedupKey: '`eventId` (in the body, signed with it)',
  retries: 'not published',
  ttlWhy:
    'The signed `eventId` identifies the delivery; a day covers retries, and no timestamp is checked, so a longer TTL is the only longer replay guard.',
  events: {
    names: '`job.run.started`, `job.run.completed`, `job.run.errored`',
    payload: '`DbtCloudPayload`',
    routedOn: 'payload `eventType`',
  },
} satisfies ProviderAbout
