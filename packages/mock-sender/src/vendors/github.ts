/**
 * GitHub webhook deliveries (reference scheme): `ping` and a minimal `push`, with
 * `X-GitHub-Event`, `X-GitHub-Delivery` and `X-GitHub-Hook-ID`.
 *
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads
 */
import { type FactoryOptions, factoryContext, mergeHeaders, type UnsignedDelivery, utf8 } from '../delivery.js'
import { applyOverrides } from '../formats/overrides.js'
import { isoSeconds } from '../formats/time.js'
import { NO_RETRY } from '../wire/retry.js'
import type { Vendor } from './vendor.js'

/**
 * The GitHub events the mock can produce.
 *
 * @example
 * const event: GithubEventType = 'push'
 * githubEvent({ event })
 */
export type GithubEventType = 'ping' | 'push'

/**
 * Options of {@link githubEvent}.
 *
 * @example
 * const options: GithubEventOptions = { event: 'push', repository: 'acme/api', overrides: { ref: 'refs/heads/release' } }
 * const d = githubEvent(options)
 */
export interface GithubEventOptions extends FactoryOptions {
  /** Default `ping`. */
  event?: GithubEventType
  /** Default `octo-org/hello-world`. */
  repository?: string
  /** `X-GitHub-Delivery`; default a (seeded) UUID. */
  deliveryId?: string
  /** Overrides for the payload. */
  overrides?: Record<string, unknown>
}

/**
 * GitHub's documented 10 s timeout.
 *
 * @example
 * githubEvent().timeoutMs === GITHUB_TIMEOUT_MS // true
 */
export const GITHUB_TIMEOUT_MS = 10_000

/**
 * Builds one unsigned GitHub delivery.
 *
 * @example
 * githubEvent({ event: 'push', seed: 1 }).headers['X-GitHub-Event'] // 'push'
 */
export function githubEvent(options: GithubEventOptions = {}): UnsignedDelivery {
  const { rng, now } = factoryContext(options)
  const event = options.event ?? 'ping'
  if (event !== 'ping' && event !== 'push') throw new TypeError(`unsupported GitHub event: ${String(event)}`)
  const fullName = options.repository ?? 'octo-org/hello-world'
  const [owner = 'octo-org', name = 'hello-world'] = fullName.split('/')
  const hookId = rng.int(100_000_000, 999_999_999)
  const repository = {
    id: rng.int(1_000_000, 999_999_999),
    name,
    full_name: fullName,
    private: false,
    owner: { login: owner, id: rng.int(1_000, 9_999_999), type: 'Organization' },
    html_url: `https://github.com/${fullName}`,
  }
  const sender = { login: 'octocat', id: 583231, type: 'User' }
  const generated: Record<string, unknown> =
    event === 'ping'
      ? {
          zen: 'Design for failure.',
          hook_id: hookId,
          hook: {
            type: 'Repository',
            id: hookId,
            name: 'web',
            active: true,
            events: ['push'],
            config: { content_type: 'json', insecure_ssl: '0', url: options.url ?? 'https://example.com/webhooks' },
            created_at: isoSeconds(now),
            updated_at: isoSeconds(now),
          },
          repository,
          sender,
        }
      : {
          ref: 'refs/heads/main',
          before: rng.hex(40),
          after: rng.hex(40),
          repository,
          pusher: { name: 'octocat', email: 'octocat@github.com' },
          sender,
          created: false,
          deleted: false,
          forced: false,
          commits: [],
        }
  const payload = applyOverrides(generated, options.overrides)
  const deliveryId = options.deliveryId ?? rng.uuid()
  const contentType = 'application/json'
  return {
    provider: 'github',
    method: 'POST',
    ...(options.url === undefined ? {} : { url: options.url }),
    headers: mergeHeaders(
      {
        Accept: '*/*',
        'Content-Type': contentType,
        'User-Agent': `GitHub-Hookshot/${rng.hex(7)}`,
        'X-GitHub-Delivery': deliveryId,
        'X-GitHub-Event': event,
        'X-GitHub-Hook-ID': String(hookId),
      },
      options.headers,
    ),
    body: utf8(JSON.stringify(payload)),
    contentType,
    event,
    deliveryId,
    payload,
    createdAt: now,
    timeoutMs: GITHUB_TIMEOUT_MS,
  }
}

/**
 * GitHub as the mock sends it: `ping` and `push`; GitHub does not redeliver by itself.
 *
 * @example
 * githubVendor.retry === NO_RETRY // true
 */
export const githubVendor: Vendor = {
  events: ['ping', 'push'],
  timeoutMs: GITHUB_TIMEOUT_MS,
  retry: NO_RETRY,
  create: ({ event, method: _method, vendor, ...common }) =>
    githubEvent({ ...vendor, ...common, event: (event ?? 'ping') as GithubEventType }),
}
