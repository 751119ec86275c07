import type { ProviderAbout } from '../about.js'
import type { OrchestPayload } from '../payloads.js'
import { defineProvider, payloadType } from '../provider.js'
import { compileSchemeWith } from '../scheme.js'
import { PREFIX_GRAMMAR } from '../scheme-grammars.js'

const scheme = compileSchemeWith(
  { grammar: PREFIX_GRAMMAR },
  {
    signature: { header: ['x-hub-signature', 'x-orchest-signature'], prefix: '', encoding: 'hex' },
    hash: 'SHA-256',
    signed: ['body'],
    id: { header: 'x-orchest-delivery' },
    eventFrom: { header: 'x-orchest-event' },
  },
  'orchest',
)

/**
 * Orchest: bare lowercase hex HMAC-SHA256 of the body in `X-Hub-Signature` (v2022.06.3+) or
 * `X-Orchest-Signature` (before). JSON bodies in Python `json.dumps` format or form-urlencoded
 * bodies whose fields are JSON. Retries forever with the same `X-Orchest-Delivery`.
 *
 * @see https://github.com/orchest/orchest/blob/master/docs/source/fundamentals/notifications.md
 */
export const orchest = defineProvider({
  ...scheme,
  name: 'orchest',
  title: 'Orchest',
  docs: 'https://github.com/orchest/orchest/blob/master/docs/source/fundamentals/notifications.md',
  envVar: 'ORCHEST_WEBHOOK_SECRET',
  // min(2^n, 3600) s backoff with no maximum: a week covers any realistic outage
  replayTtlSeconds: 7 * 86_400,
  dedupFallback: 'signature',
  formFieldsAreJson: true,
  payload: payloadType<OrchestPayload>(),
  hints: () => ({
    notes: [
      'Orchest signs with a generated secret it never shows when the webhook has none: set an explicit secret in the webhook settings',
    ],
  }),
  lookalikes: {
    github:
      'X-Hub-Signature holds "sha1=<hex>", GitHub\'s legacy format; Orchest sends a bare 64-hex value. This delivery probably comes from GitHub: use provider "github"',
  },
  // the vendor side: Orchest's User-Agent, and the header name before v2022.06.3 on request
  async sign(input, tools) {
    const headers = await scheme.sign(input, tools)
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
