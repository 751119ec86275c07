import { createParamDecorator, type ExecutionContext, UseInterceptors } from '@nestjs/common'
import { WebhookInterceptor } from './interceptor.js'
import type { NestRequest, NestWebhook, NestWebhookOptions, WebhookDecorator } from './types.js'

/**
 * Verifies the route's webhooks: reads the raw body Nest kept (`NestFactory.create(AppModule,
 * { rawBody: true })`), checks the signature, claims the delivery, runs the handler and settles
 * the claim once the answer is written (complete below 500; a throw or a 5xx releases it, so the
 * sender's retry is processed). Rejections answer `application/problem+json`; a processed
 * duplicate answers 200 without running the handler, one in flight 409 with `Retry-After`. The
 * flow is built once, when the decorator is evaluated: a bad configuration throws `TypeError` at
 * startup. Without options, secrets come from `*_WEBHOOK_SECRET` (set before the controller's
 * module is imported). Runs after guards, as an interceptor.
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
  const interceptor = new WebhookInterceptor(options)
  const decorator: MethodDecorator = UseInterceptors(interceptor)
  return Object.assign(decorator, { on: interceptor.flow.on })
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
