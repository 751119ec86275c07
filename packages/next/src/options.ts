import { createWebhookFlow, routeOptions, type WebhookFlow } from '@hookproof/core/adapter'
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
  if (options.limit === Number.POSITIVE_INFINITY) {
    throw new TypeError(
      `limit must be a number of bytes or a string like '1mb', got ${String(options.limit)}: a Next.js route keeps a finite limit`,
    )
  }
  const { maxBytes, timeoutMs, urlOf, base, flowOptions } = routeOptions<Req, NextWebhookOptions<Req>>(options)
  if (flowOptions.onError === 'next') {
    throw new TypeError("onError: 'next' has no meaning in Next.js: a route has no next handler. Rejections are answered as problem+json")
  }
  let flow: WebhookFlow | undefined
  return {
    limit: maxBytes,
    timeoutMs,
    publicUrl: urlOf,
    base,
    flow: () => {
      flow ??= createWebhookFlow(flowOptions)
      return flow
    },
  }
}
