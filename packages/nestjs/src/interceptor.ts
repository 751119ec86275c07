import type { WebhookFlow } from '@hookproof/core/adapter'
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common'
import { Observable, type Subscriber } from 'rxjs'
import { NestHooks, type RouteSettings, routeSettings } from './route.js'
import type { NestRequest, NestResponse, NestWebhookOptions } from './types.js'

/**
 * `@VerifyWebhook()`'s verification as an interceptor, for
 * `@UseInterceptors(new WebhookInterceptor(options))` where a method decorator does not fit (a
 * controller-wide interceptor, a dynamic module). It runs after every guard, inside the
 * interceptors listed before it. `@VerifyWebhook()` itself is a guard (the route's last), which
 * saves the rxjs pipeline Nest builds per request for a route with an interceptor.
 *
 * @example
 * @UseInterceptors(new WebhookInterceptor({ provider: 'orchest' }))
 * @Post('orchest')
 * handle(@Webhook() webhook: VerifiedWebhook) {}
 */
export class WebhookInterceptor implements NestInterceptor {
  /** The shared flow: verify, claim, handle, settle, report. `flow.on(type, listener)` subscribes to events. */
  readonly flow: WebhookFlow
  readonly #settings: RouteSettings

  constructor(options: NestWebhookOptions = {}) {
    this.#settings = routeSettings(options)
    this.flow = this.#settings.flow
  }

  /**
   * Verifies the delivery and claims it, then runs the route (guards have run; pipes and the
   * handler run inside) and settles the claim once the answer is written: complete below 500,
   * release on a thrown error or a 5xx. Rejections and duplicates are answered here, the handler
   * never runs for them.
   */
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle()
    const http = context.switchToHttp()
    const req = http.getRequest<NestRequest>()
    const res = http.getResponse<NestResponse>()
    const settings = this.#settings
    return new Observable<unknown>((subscriber) => new InterceptorHooks(req, res, settings, next, subscriber).run())
  }
}

/** The interceptor's continuation: the route's observable, relayed to Nest's subscriber. */
class InterceptorHooks extends NestHooks {
  constructor(
    req: NestRequest,
    res: NestResponse,
    settings: RouteSettings,
    readonly next: CallHandler,
    readonly subscriber: Subscriber<unknown>,
  ) {
    super(req, res, settings)
  }

  proceed(): void {
    this.next.handle().subscribe(this.subscriber)
  }

  throwToNest(error: unknown): void {
    this.subscriber.error(error)
  }
}
