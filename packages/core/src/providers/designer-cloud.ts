import { schemeProvider } from '../scheme.js'

/**
 * Alteryx Designer Cloud (Trifacta) flow webhook tasks: `X-Webhook-Signature: t=<ms>,sha256=<hex>`,
 * HMAC-SHA256 over `<t>.<body>` (POST/PUT/PATCH) or `<t>.<url>` (GET/DELETE). `t` is in
 * milliseconds (inferred from the documented 13-digit example). The method is not signed, so a GET
 * signature verifies as a DELETE of the same URL.
 *
 * @see https://help.alteryx.com/aac/en/trifacta-classic/common-tasks/operationalization-tasks/create-flow-webhook-task.html
 */
export const designerCloud = schemeProvider({
  name: 'designer-cloud',
  title: 'Alteryx Designer Cloud (Trifacta)',
  docs: 'https://help.alteryx.com/aac/en/trifacta-classic/common-tasks/operationalization-tasks/create-flow-webhook-task.html',
  envVar: 'DESIGNER_CLOUD_WEBHOOK_SECRET',
  signature: { header: 'x-webhook-signature', params: { timestamp: 't', signature: 'sha256' }, encoding: 'hex' },
  hash: 'SHA-256',
  timestamp: { unit: 'ms' },
  signed: ['timestamp', '.', 'body'],
  signedByMethod: { methods: ['GET', 'DELETE', 'HEAD'], signed: ['timestamp', '.', 'url'], vendor: 'Designer Cloud' },
  // retries are optional and unspecified; the signed t already bounds replays to the tolerance
  replayTtlSeconds: 86_400,
  dedupFallback: 'signature',
})
