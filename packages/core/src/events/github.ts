/**
 * GitHub's events for the router, typed by `@octokit/webhooks-types` when it is installed (an
 * optional, types-only peer: core imports nothing from it at run time). Without it the import
 * below is `any`, which {@link GithubEvents} turns into "any event name, `unknown` payload", so
 * users who skip it still compile.
 *
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads
 */
// biome-ignore lint/suspicious/noTsIgnore: the peer may be absent (an error) or present (none): expect-error fits only one
// @ts-ignore: optional peer dependency, types only; absent, the name is `any` and handled below
import type { WebhookEventMap as OctokitEventMap } from '@octokit/webhooks-types'

type IsAny<T> = 0 extends 1 & T ? true : false

type ActionName<M> = {
  [K in keyof M & string]: M[K] extends infer P ? (P extends { action: infer A extends string } ? `${K}.${A}` : never) : never
}[keyof M & string]

type WithActions<M> = { [K in keyof M & string]: M[K] } & {
  [E in ActionName<M>]: E extends `${infer K}.${infer A}` ? Extract<M[K & keyof M], { action: A }> : never
}

/**
 * GitHub event names (`push`, `issues`, and `issues.opened` for one action) mapped to their
 * payloads from `@octokit/webhooks-types`; `Record<string, unknown>` when that package is absent.
 *
 * @example
 * type Opened = GithubEvents['pull_request.opened'] // PullRequestOpenedEvent
 */
export type GithubEvents = IsAny<OctokitEventMap> extends true ? Record<string, unknown> : WithActions<OctokitEventMap>

/**
 * GitHub's routing keys, most specific first: `issues.opened` (when the payload has an `action`),
 * then `issues`. `X-GitHub-Event` is not signed: a handler that must not run on another event's
 * payload validates it with a schema.
 */
export function githubRouteKeys(event: string | undefined, payload: unknown): string[] {
  if (event === undefined) return []
  const action = (payload as { action?: unknown } | null | undefined)?.action
  return typeof action === 'string' && action !== '' ? [`${event}.${action}`, event] : [event]
}
