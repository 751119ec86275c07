import { type CanActivate, createParamDecorator, type ExecutionContext, UseGuards } from '@nestjs/common'
import { GUARDS_METADATA } from '@nestjs/common/constants.js'
import { WebhookGuard } from './guard.js'
import type { NestRequest, NestWebhook, NestWebhookOptions, WebhookDecorator } from './types.js'

/**
 * Verifies the route's webhooks: reads the raw body Nest kept (`NestFactory.create(AppModule,
 * { rawBody: true })`), checks the signature, claims the delivery, runs the handler and settles
 * the claim once the answer is written (complete below 500; a throw or a 5xx releases it, so the
 * sender's retry is processed). Rejections answer `application/problem+json`; a processed
 * duplicate answers 200 without running the handler, one in flight 409 with `Retry-After`. The
 * flow is built once, when the decorator is evaluated: a bad configuration throws `TypeError` at
 * startup. Without options, secrets come from `*_WEBHOOK_SECRET` (set before the controller's
 * module is imported). Runs as the route's last guard: after every guard of the app, the controller
 * and the method (in whichever order the decorators are listed), before every interceptor.
 *
 * @example
 * @Controller('webhooks')
 * class WebhooksController {
 *   @Post('orchest')
 *   @VerifyWebhook({ provider: 'orchest', secret: process.env.ORCHEST_WEBHOOK_SECRET })
 *   @HttpCode(204)
 *   handle(@Webhook() webhook: VerifiedWebhook) {
 *     console.log(webhook.event, webhook.payload)
 *   }
 * }
 * @throws {TypeError} at startup on a bad configuration, or with no options and no secret in the environment.
 */
export function VerifyWebhook(options: NestWebhookOptions = {}): WebhookDecorator {
  const guard = new WebhookGuard(options)
  const decorator: MethodDecorator = (target, key, descriptor) => {
    UseGuards(guard)(target, key, descriptor)
    // a @UseGuards() listed above this decorator is applied after it, so its guard would run
    // after this one: once the class is defined (Nest reads the metadata later, at init), this
    // guard moves to the end of the method's list
    const method: unknown = descriptor.value
    queueMicrotask(() => runLast(guard, method))
  }
  return Object.assign(decorator, { on: guard.flow.on })
}

/** reflect-metadata's API, which Nest requires the app to load. */
const metadata = Reflect as unknown as {
  getMetadata(key: string, target: unknown): unknown
  defineMetadata(key: string, value: unknown, target: unknown): void
}

/** Puts `guard` last among the method's guards (Nest runs global, then controller, then these in order). */
function runLast(guard: CanActivate, method: unknown): void {
  const guards = metadata.getMetadata(GUARDS_METADATA, method)
  if (!Array.isArray(guards) || guards.at(-1) === guard) return
  metadata.defineMetadata(GUARDS_METADATA, [...guards.filter((g) => g !== guard), guard], method)
}

/**
 * Injects the delivery `@VerifyWebhook()` verified, or one of its fields (`@Webhook('payload')`).
 *
 * @example
 * @Post('up42')
 * @VerifyWebhook({ provider: 'up42' })
 * handle(@Webhook() webhook: VerifiedWebhook<{ jobId: string }>, @Webhook('deliveryId') id: string) {
 *   return { jobId: webhook.payload.jobId, id }
 * }
 */
export const Webhook: (field?: keyof NestWebhook) => ParameterDecorator = createParamDecorator(
  (field: keyof NestWebhook | undefined, context: ExecutionContext) => {
    const webhook = context.switchToHttp().getRequest<NestRequest>().webhook
    return field === undefined ? webhook : webhook?.[field]
  },
)
