export { createRouter, DEFAULT_BODY_LIMIT, type VerifiedWebhook, type WebhookEvent, WebhookVerificationError } from '@hookproof/core'
export { VerifyWebhook, Webhook } from './decorators.js'
export { WebhookInterceptor } from './interceptor.js'
export type { NestRequest, NestResponse, NestWebhook, NestWebhookOptions, WebhookDecorator } from './types.js'
