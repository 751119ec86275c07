import type { ProviderAbout } from '../about.js'
import { payloadType } from '../provider.js'
import { schemeRowWith } from '../scheme.js'
import { PREFIX_GRAMMAR } from '../scheme-grammars.js'

/**
 * A Fivetran webhook event, as the REST API docs' examples show it (`event`, `created`, the
 * connection's ids, `data` by event type). Fields Fivetran does not list stay open.
 *
 * @example
 * const { payload } = await createVerifier({ provider: 'fivetran', secret }).verify({ body, headers })
 * if (payload.event === 'sync_end' && payload.data?.status === 'FAILURE') alert(payload.connector_id)
 */
export interface FivetranPayload {
  event: 'sync_start' | 'sync_end' | 'status' | 'dbt_run_start' | 'dbt_run_succeeded' | 'dbt_run_failed' | (string & {})
  /** ISO 8601 time of the event. */
  created: string
  connector_type?: string
  connector_id?: string
  connector_name?: string
  sync_id?: string
  destination_group_id?: string
  data?: { status?: string; [key: string]: unknown }
  [key: string]: unknown
}

/**
 * Fivetran account and group webhooks: `X-Fivetran-Signature-256` holds the HMAC-SHA256 of the raw
 * body under the webhook's `secret`, as bare hex (no `sha256=` prefix, no timestamp, no delivery id:
 * dedup keys on the verified MAC).
 *
 * Certain (Fivetran's REST API docs, "Signing"; Fivetran's own example receivers
 * fivetran/fivetran-webhook-example-*): the header name, HMAC-SHA256, the body as the message, the
 * secret as UTF-8. Inferred: the hex case. Fivetran's examples compare `toUpperCase()` of both sides,
 * and a receiver tested against live deliveries reports uppercase hex, so parse accepts either case
 * and `sign` writes uppercase. Retries are not published; a day is remembered.
 *
 * @see https://fivetran.com/docs/rest-api/webhooks#signing
 * @see https://github.com/fivetran/fivetran-webhook-example-node-express
 */
export const fivetran = schemeRowWith(
  { grammar: PREFIX_GRAMMAR },
  {
    name: 'fivetran',
    title: 'Fivetran',
    docs: 'https://fivetran.com/docs/rest-api/webhooks#signing',
    envVar: 'FIVETRAN_WEBHOOK_SECRET',
    signature: { header: 'x-fivetran-signature-256', prefix: '', encoding: 'hex', hexCase: 'upper' },
    hash: 'SHA-256',
    signed: ['body'],
    eventFrom: { field: 'event' },
    replayTtlSeconds: 86_400,
    dedupFallback: 'signature',
    payload: payloadType<FivetranPayload>(),
  },
)

/** What the generated docs tables say of this provider (`npm run docs:providers`). */
export const about = {
  value: 'bare 64 hex (either case; sent uppercase, inferred)',
  signed: 'body',
  timestamp: 'none (the body has `created`, which nothing signs apart)',
  dedupKey: 'signature value (MAC)',
  retries: 'not published',
  ttlWhy:
    'No timestamp is signed and no delivery id is sent: dedup on the MAC is the replay guard; a day covers retries of an identical body.',
  events: {
    names: 'any (the list grows: `sync_start`, `sync_end`, `status`, `dbt_run_*`, …)',
    payload: '`FivetranPayload`',
    routedOn: 'payload `event`',
  },
} satisfies ProviderAbout
