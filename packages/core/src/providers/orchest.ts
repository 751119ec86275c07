import type { ProviderAbout } from '../about.js'
import { defineProvider, prefixedHmac } from '../provider.js'

const current = prefixedHmac({
  header: ['x-hub-signature', 'x-orchest-signature'],
  prefix: '',
  encoding: 'hex',
  hash: 'SHA-256',
  deliveryIdHeader: 'x-orchest-delivery',
  eventHeader: 'x-orchest-event',
  display: 'X-Hub-Signature',
})

/**
 * Orchest: bare lowercase hex HMAC-SHA256 of the body in `X-Hub-Signature` (v2022.06.3+) or
 * `X-Orchest-Signature` (before). JSON bodies in Python `json.dumps` format or form-urlencoded
 * bodies whose fields are JSON. Retries forever with the same `X-Orchest-Delivery`.
 *
 * @see https://github.com/orchest/orchest/blob/master/docs/source/fundamentals/notifications.md
 */
export const orchest = defineProvider({
  ...current,
  name: 'orchest',
  title: 'Orchest',
  docs: 'https://github.com/orchest/orchest/blob/master/docs/source/fundamentals/notifications.md',
  envVar: 'ORCHEST_WEBHOOK_SECRET',
  // min(2^n, 3600) s backoff with no maximum: a week covers any realistic outage
  replayTtlSeconds: 7 * 86_400,
  dedupFallback: 'signature',
  formFieldsAreJson: true,
  async sign(input, tools) {
    const headers = await current.sign(input, tools)
    headers['User-Agent'] = 'Orchest'
    if (input.legacyHeader === true) {
      headers['X-Orchest-Signature'] = headers['X-Hub-Signature'] as string
      delete headers['X-Hub-Signature']
    }
    return headers
  },
})

/** What the generated docs tables say of this provider (`npm run docs:providers`). */
export const about = {
  value: 'bare 64 hex',
  signed: 'body (JSON or form)',
  timestamp: 'none',
  dedupKey: '`X-Orchest-Delivery`',
  retries: 'forever, `min(2^n, 3600)` s apart',
  ttlWhy:
    'A delivery that never got a 2xx is retried hourly without end, but once one attempt succeeds Orchest stops, so the TTL only has to outlast retries already on their way. Orchest signs no timestamp: a captured request verifies forever, and the `done` key is what rejects its replay. 7 days is the floor; keep deliveries longer if replay matters more than memory.',
  events: {
    names: 'the 58 event types (`ORCHEST_EVENT_TYPES`) and `ping`',
    payload: '`OrchestEventPayload<E>`: `project` → `pipeline` / `environment` / `job` → runs, per type',
    routedOn: "the signed payload's `event.type`, not the unsigned `X-Orchest-Event` header",
  },
} satisfies ProviderAbout
