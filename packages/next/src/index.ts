export { createRouter, DEFAULT_BODY_LIMIT, type VerifiedWebhook, type WebhookEvent, WebhookVerificationError } from '@hookproof/core'
export { withWebhook } from './app.js'
export { BODY_PARSER_OFF, withWebhookApi } from './pages.js'
export type { ApiRoute, NextWebhookOptions, RouteHandler, Webhook, WebhookApiHandler, WebhookApiRequest, WebhookHandler } from './types.js'
