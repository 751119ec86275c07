import type { ProviderAbout } from '../about.js'
import { fail } from '../errors.js'
import { defineProvider, prefixedHmac } from '../provider.js'

const sha256 = prefixedHmac({
  header: 'x-hub-signature-256',
  prefix: 'sha256=',
  encoding: 'hex',
  hash: 'SHA-256',
  deliveryIdHeader: 'x-github-delivery',
  eventHeader: 'x-github-event',
  display: 'X-Hub-Signature-256',
})
const sha1 = prefixedHmac({ header: 'x-hub-signature', prefix: 'sha1=', encoding: 'hex', hash: 'SHA-1', display: 'X-Hub-Signature' })

/**
 * GitHub (reference scheme): `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`; the legacy
 * `X-Hub-Signature: sha1=<hex>` only with `allowLegacySha1`.
 *
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export const github = defineProvider({
  name: 'github',
  title: 'GitHub',
  docs: 'https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries',
  envVar: 'GITHUB_WEBHOOK_SECRET',
  signatureHeaders: ['x-hub-signature-256', 'x-hub-signature'],
  // GitHub does not retry on its own; manual redelivery is possible for 3 days
  replayTtlSeconds: 3 * 86_400,
  dedupFallback: 'signature',
  detect(request) {
    if (request.header('x-hub-signature-256') !== undefined) return sha256.detect(request)
    return request.options.allowLegacySha1 === true && sha1.detect(request)
  },
  parse(request) {
    if (request.header('x-hub-signature-256') !== undefined || request.header('x-hub-signature') === undefined) {
      return sha256.parse(request)
    }
    if (request.options.allowLegacySha1 === true) return sha1.parse(request)
    return fail(
      'MISSING_SIGNATURE',
      'No X-Hub-Signature-256 header; only the legacy SHA-1 X-Hub-Signature was sent. Set allowLegacySha1: true to accept it',
    )
  },
  async sign(input, tools) {
    const headers = await sha256.sign(input, tools)
    if (input.hash === 'SHA-1') Object.assign(headers, await sha1.sign({ ...input, id: undefined, event: undefined }, tools))
    return headers
  },
  deliveryId: sha256.deliveryId,
  event: sha256.event,
})

/** What the generated docs tables say of this provider (`npm run docs:providers`). */
export const about = {
  value: '`sha256=<hex>`',
  signed: 'body',
  timestamp: 'none',
  dedupKey: '`X-GitHub-Delivery`',
  retries: 'none automatic; manual redelivery, kept 3 days',
  ttlWhy:
    'Redelivery from the settings page reuses the delivery id and is possible for 3 days, so remembering 3 days catches an accidental second redelivery. No signed timestamp either.',
  events: {
    names: 'every event of `@octokit/webhooks-types`, and `event.action` (`issues.opened`, tried first)',
    payload: "that package's types",
    routedOn: '`X-GitHub-Event` (GitHub does not sign it: guard handlers with a schema where it matters) and payload `action`',
  },
} satisfies ProviderAbout
