import type { ProviderAbout } from '../about.js'
import { schemeRowWith, urlSigned } from '../scheme.js'
import { PARAMS_GRAMMAR } from '../scheme-grammars.js'

/**
 * Alteryx Designer Cloud (Trifacta) flow webhook tasks: `X-Webhook-Signature: t=<ms>,sha256=<hex>`,
 * HMAC-SHA256 over `<t>.<body>` (POST/PUT/PATCH) or `<t>.<url>` (GET/DELETE). `t` is in
 * milliseconds (inferred from the documented 13-digit example). The method is not signed, so a GET
 * signature verifies as a DELETE of the same URL.
 *
 * @see https://help.alteryx.com/aac/en/trifacta-classic/common-tasks/operationalization-tasks/create-flow-webhook-task.html
 */
export const designerCloud = schemeRowWith(
  { grammar: PARAMS_GRAMMAR, urlSigned },
  {
    name: 'designer-cloud',
    title: 'Alteryx Designer Cloud (Trifacta)',
    docs: 'https://help.alteryx.com/aac/en/trifacta-classic/common-tasks/operationalization-tasks/create-flow-webhook-task.html',
    envVar: 'DESIGNER_CLOUD_WEBHOOK_SECRET',
    signature: { header: 'x-webhook-signature', params: { timestamp: 't', signature: 'sha256' }, encoding: 'hex' },
    hash: 'SHA-256',
    timestamp: { unit: 'ms' },
    signed: ['timestamp', '.', 'body'],
    signedByMethod: { methods: ['GET', 'DELETE', 'HEAD'], signed: ['timestamp', '.', 'url'], vendor: 'Designer Cloud' },
    // the user picks the task's method (POST, PUT, PATCH, GET, DELETE); GET/DELETE sign the URL
    methods: ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'],
    // retries are optional and unspecified; the signed t already bounds replays to the tolerance
    replayTtlSeconds: 86_400,
    dedupFallback: 'signature',
  },
)

/** What the generated docs tables say of this provider (`npm run docs:providers`). */
export const about = {
  value: '`t=<ms>,sha256=<hex>`',
  signed: '`t.body`, or `t.url` for GET/DELETE/HEAD',
  timestamp: '`t`, ms',
  dedupKey: 'signature (or your `deliveryKey`, such as `$jobId` + `$jobStatus`)',
  retries: '"Retry on failure", schedule unknown',
  ttlWhy: '`t` is signed (ms) and checked against the tolerance, so a replay is only possible within minutes; the TTL is for retries.',
  events: { names: 'any (no published list)', payload: '`unknown`: add a schema', routedOn: "the body's `jobStatus`" },
} satisfies ProviderAbout
