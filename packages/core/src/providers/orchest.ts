import type { OrchestPayload } from '../payloads.js'
import { defineProvider, payloadType } from '../provider.js'
import { compileScheme } from '../scheme.js'

const scheme = compileScheme(
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
