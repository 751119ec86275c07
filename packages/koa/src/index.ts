export { createRouter, DEFAULT_BODY_LIMIT, type VerifiedWebhook, type WebhookEvent, WebhookVerificationError } from '@hookproof/core'
export { verifyWebhook } from './middleware.js'
export type { KoaWebhookOptions, WebhookMiddleware, WebhookState } from './types.js'
