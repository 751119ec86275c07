import type { ProviderAbout } from '../about.js'
import { fail, isFailure } from '../failure.js'
import { type Configurable, configurable, defineProvider, type Provider } from '../provider.js'
import { compileSchemeWith } from '../scheme.js'
import { PREFIX_GRAMMAR } from '../scheme-grammars.js'

const sha256 = compileSchemeWith(
  { grammar: PREFIX_GRAMMAR },
  {
    signature: { header: 'x-hub-signature-256', prefix: 'sha256=', encoding: 'hex' },
    hash: 'SHA-256',
    signed: ['body'],
    id: { header: 'x-github-delivery' },
    eventFrom: { header: 'x-github-event' },
  },
  'github',
)
const sha1 = compileSchemeWith(
  { grammar: PREFIX_GRAMMAR },
  { signature: { header: 'x-hub-signature', prefix: 'sha1=', encoding: 'hex' }, hash: 'SHA-1', signed: ['body'] },
  'github',
)

/**
 * Switches of the GitHub row.
 *
 * @example
 * createVerifier({ provider: github({ allowLegacySha1: true } satisfies GithubSwitches), secret })
 */
export interface GithubSwitches {
  /** Accept the legacy HMAC-SHA1 `X-Hub-Signature` when no SHA-256 header is sent (old spelling: the verifier option). */
  allowLegacySha1?: boolean
}

/**
 * GitHub (reference scheme): `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`; the legacy
 * `X-Hub-Signature: sha1=<hex>` only with `github({ allowLegacySha1: true })` (or the verifier
 * option `allowLegacySha1`, the old spelling).
 *
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
// typed as a Provider row: the inferred literal (a `deliveryId` that may be undefined) is not one
// for a consumer with exactOptionalPropertyTypes
export const github: Configurable<Provider, GithubSwitches> = configurable(
  defineProvider({
    name: 'github',
    title: 'GitHub',
    docs: 'https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries',
    envVar: 'GITHUB_WEBHOOK_SECRET',
    signatureHeaders: ['x-hub-signature-256', 'x-hub-signature'],
    // the secret of GitHub's documented example (docs: validating webhook deliveries)
    secretExample: "It's a Secret to Everybody",
    // GitHub does not retry on its own; manual redelivery is possible for 3 days
    replayTtlSeconds: 3 * 86_400,
    dedupFallback: 'signature',
    detect(request) {
      if (request.header('x-hub-signature-256') !== undefined) return sha256.detect(request)
      return request.options.allowLegacySha1 === true && sha1.detect(request)
    },
    parse(request) {
      // the SHA-256 header read once: its parse is the answer unless it was missing and only the legacy one came
      const parsed = sha256.parse(request)
      if (!isFailure(parsed) || parsed.code !== 'MISSING_SIGNATURE') return parsed
      if (request.header('x-hub-signature-256') !== undefined || request.header('x-hub-signature') === undefined) return parsed
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
  }),
  (switches: GithubSwitches) => {
    if (typeof switches !== 'object' || switches === null) throw new TypeError('github(switches): switches must be an object')
    if (switches.allowLegacySha1 !== undefined && typeof switches.allowLegacySha1 !== 'boolean') {
      throw new TypeError('github({ allowLegacySha1 }): allowLegacySha1 must be a boolean')
    }
    return switches.allowLegacySha1 === undefined ? {} : { allowLegacySha1: switches.allowLegacySha1 }
  },
)

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
