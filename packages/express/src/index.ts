export { createRouter, DEFAULT_BODY_LIMIT, type VerifiedWebhook, type WebhookEvent, WebhookVerificationError } from '@hookproof/core'
export { verifyWebhook } from './middleware.js'
export type { ExpressWebhookOptions, WebhookMiddleware, WebhookRequest } from './types.js'
