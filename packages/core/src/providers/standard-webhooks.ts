import type { ProviderAbout } from '../about.js'
import type { StandardWebhooksPayload } from '../payloads.js'
import { payloadType } from '../provider.js'
import { readExtras, schemeRowWith, whsecKey } from '../scheme.js'
import { VERSIONED_GRAMMAR } from '../scheme-grammars.js'

/**
 * Standard Webhooks (reference scheme, also Svix): `webhook-signature` holds space-separated
 * `v1,<base64 HMAC-SHA256>` over `<webhook-id>.<webhook-timestamp>.<body>`, the key being the
 * base64 decode of the `whsec_` secret; timestamp in seconds. Svix's `svix-id`, `svix-timestamp`
 * and `svix-signature` are read when the `webhook-` ones are absent (the svix libraries read both);
 * all three are signed or checked, so mixing the two families cannot smuggle in an unsigned value.
 *
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export const standardWebhooks = schemeRowWith(
  { grammar: VERSIONED_GRAMMAR, readExtras, whsecKey },
  {
    name: 'standard-webhooks',
    title: 'Standard Webhooks',
    docs: 'https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md',
    // `*_WEBHOOK_SECRET` like every other provider; the first name is still read
    envVar: 'STANDARD_WEBHOOKS_WEBHOOK_SECRET',
    legacyEnvVars: ['STANDARD_WEBHOOKS_SECRET'],
    signature: { header: ['webhook-signature', 'svix-signature'], versioned: 'v1', encoding: 'base64' },
    hash: 'SHA-256',
    signed: ['id', '.', 'timestamp', '.', 'body'],
    id: { header: ['webhook-id', 'svix-id'], generate: (now) => `msg_${Math.floor(now).toString(36)}` },
    timestamp: { unit: 's', header: ['webhook-timestamp', 'svix-timestamp'] },
    eventFrom: { field: 'type' },
    secret: 'whsec-base64',
    spelling: 'lower',
    // the spec's example retry schedule ends 75 h 35 min 5 s after the first attempt
    // (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h): remember 4 days
    // the spec's example secret (standard-webhooks spec.md)
    secretExample: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    replayTtlSeconds: 4 * 86_400,
    dedupFallback: 'signature',
    payload: payloadType<StandardWebhooksPayload>(),
  },
)

/** What the generated docs tables say of this provider (`npm run docs:providers`). */
export const about = {
  value: '`v1,<b64>` list',
  signed: '`id.timestamp.body`, key = base64 of `whsec_…`',
  timestamp: '`webhook-timestamp`, s',
  dedupKey: '`webhook-id` (signed)',
  retries: 'Svix: about 27 h (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h)',
  ttlWhy: 'Covers the whole retry schedule with margin; the signed `webhook-timestamp` (5 min tolerance) already stops old replays.',
  events: {
    names: "any `type`, or your map: `createRouter<Events>({ provider: 'standard-webhooks' })`",
    payload: "`StandardWebhooksPayload`, or your map's",
    routedOn: 'payload `type`',
  },
} satisfies ProviderAbout
