import { bodyTimeoutOption, createWebhookFlow, DEFAULT_BODY_LIMIT, type WebhookFlow } from '@hookproof/core/adapter'
import { limitBytes } from './limit.js'
import type { NextWebhookOptions } from './types.js'

/** The adapter's own options, checked once, and a flow built on first use. */
export interface Compiled<Req> {
  readonly limit: number
  readonly timeoutMs: number
  readonly publicUrl: ((req: Req) => string) | undefined
  readonly base: string | undefined
  /** The shared flow, built on the first request (see {@link compile}) and kept. */
  flow(): WebhookFlow
}

/**
 * Splits the adapter-only options (limit, bodyTimeoutMs, publicUrl) from the flow's and checks
 * them at once. The flow itself is built on the first request: `next build` loads every route
 * module to collect its config, usually without the runtime secrets, and a `withWebhook()` that
 * read `*_WEBHOOK_SECRET` at import would fail the build. A bad configuration then throws on the
 * first request (Next logs it and answers 500), and on every one after, never answering 2xx.
 */
export function compile<Req>(options: NextWebhookOptions<Req>): Compiled<Req> {
  if (typeof options !== 'object' || options === null) throw new TypeError('withWebhook(options, handler): options must be an object')
  const { limit = DEFAULT_BODY_LIMIT, publicUrl, bodyTimeoutMs, ...flowOptions } = options
  if (flowOptions.onError === 'next') {
    throw new TypeError("onError: 'next' has no meaning in Next.js: a route has no next handler. Rejections are answered as problem+json")
  }
  if (publicUrl !== undefined && typeof publicUrl !== 'string' && typeof publicUrl !== 'function') {
    throw new TypeError('publicUrl must be a base URL string or a function of the request')
  }
  let flow: WebhookFlow | undefined
  return {
    limit: limitBytes(limit),
    timeoutMs: bodyTimeoutOption(bodyTimeoutMs),
    publicUrl: typeof publicUrl === 'function' ? publicUrl : undefined,
    base: typeof publicUrl === 'string' ? publicUrl.replace(/\/+$/, '') : undefined,
    flow: () => {
      flow ??= createWebhookFlow(flowOptions)
      return flow
    },
  }
}
