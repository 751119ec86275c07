export { createRouter, DEFAULT_BODY_LIMIT, type VerifiedWebhook, type WebhookEvent, WebhookVerificationError } from '@hookproof/core'
export { verifyWebhook, webhookPlugin } from './plugin.js'
export type { FastifyWebhookOptions, WebhookEvents, WebhookPlugin, WebhookRequest } from './types.js'
