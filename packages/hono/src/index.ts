export { createRouter, DEFAULT_BODY_LIMIT, type VerifiedWebhook, type WebhookEvent, WebhookVerificationError } from '@hookproof/core'
export { verifyWebhook } from './middleware.js'
export type { HonoWebhook, HonoWebhookOptions, SecretSource, WebhookEnv, WebhookMiddleware, WebhookVariables } from './types.js'
