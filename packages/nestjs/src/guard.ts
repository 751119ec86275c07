import type { WebhookFlow } from '@hookproof/core/adapter'
import type { CanActivate, ExecutionContext } from '@nestjs/common'
import { NestHooks, type RouteSettings, routeSettings } from './route.js'
import type { NestRequest, NestResponse, NestWebhookOptions } from './types.js'

/**
 * The guard `@VerifyWebhook()` puts last on its route: it reads and verifies the delivery, claims
 * it, and lets the request through (to the interceptors, pipes and the handler) only then; the
 * claim settles once the answer is written. A rejection or a duplicate is answered here, and the
 * request goes no further. A guard rather than an interceptor: Nest runs a route's guards without
 * the rxjs pipeline (and its async resources) it builds per request for interceptors.
 */
export class WebhookGuard implements CanActivate {
  readonly flow: WebhookFlow
  readonly #settings: RouteSettings

  constructor(options: NestWebhookOptions = {}) {
    this.#settings = routeSettings(options)
    this.flow = this.#settings.flow
  }

  /**
   * Resolves `true` once the delivery is verified and claimed; for a rejection or a duplicate it
   * never resolves (the answer is already written), and with `onError: 'next'` it rejects with
   * the `WebhookVerificationError`, for Nest's exception filters.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true
    const http = context.switchToHttp()
    const req = http.getRequest<NestRequest>()
    const res = http.getResponse<NestResponse>()
    const settings = this.#settings
    return new Promise<boolean>((resolve, reject) => new GuardHooks(req, res, settings, resolve, reject).run())
  }
}

/** The guard's continuation: its own promise, which Nest awaits before the rest of the route. */
class GuardHooks extends NestHooks {
  constructor(
    req: NestRequest,
    res: NestResponse,
    settings: RouteSettings,
    readonly resolve: (pass: boolean) => void,
    readonly reject: (error: unknown) => void,
  ) {
    super(req, res, settings)
  }

  proceed(): void {
    this.resolve(true)
  }

  throwToNest(error: unknown): void {
    this.reject(error)
  }
}
