export { DEFAULT_LIMIT } from './body.js'
export { verifyWebhook } from './middleware.js'
export type { ExpressWebhookOptions, WebhookRequest } from './types.js'
export { type VerifiedWebhook, type WebhookEvent, WebhookVerificationError } from '@hookproof/core'
