import type { ProviderAbout } from '../about.js'
import { schemeRowWith } from '../scheme.js'
import { PREFIX_GRAMMAR } from '../scheme-grammars.js'

/**
 * Y42: `x-y42-signature: sha256=<HMAC-SHA256 of the body>`, lowercase hex (inferred: the page
 * follows GitHub's guide). No timestamp, no delivery id: dedup keys on the verified MAC.
 *
 * @see https://docs.y42.com/docs/webhooks-1
 */
export const y42 = schemeRowWith(
  { grammar: PREFIX_GRAMMAR },
  {
    name: 'y42',
    title: 'Y42',
    docs: 'https://docs.y42.com/docs/webhooks-1',
    envVar: 'Y42_WEBHOOK_SECRET',
    signature: { header: 'x-y42-signature', prefix: 'sha256=', encoding: 'hex' },
    hash: 'SHA-256',
    signed: ['body'],
    eventFrom: { field: 'event' },
    // retries are undocumented; a retried identical body repeats the MAC, hence the key
    replayTtlSeconds: 7 * 86_400,
    dedupFallback: 'signature',
  },
)

/** What the generated docs tables say of this provider (`npm run docs:providers`). */
export const about = {
  value: '`sha256=<hex>`',
  signed: 'body',
  timestamp: 'none',
  dedupKey: 'signature value (MAC)',
  retries: 'unknown',
  ttlWhy: 'No timestamp and no delivery id: an identical retried body repeats the signature, and dedup is the only replay guard.',
  events: { names: 'any (no published list)', payload: '`unknown`: add a schema', routedOn: 'payload `event`' },
} satisfies ProviderAbout
