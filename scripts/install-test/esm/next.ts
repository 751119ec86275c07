// import from '@hookproof/next' in strict TypeScript: App Router handler types (Request in,
// Response out, the route context passed through) and the Pages Router's NextApiRequest/Response.
import assert from 'node:assert/strict'
import { sign } from '@hookproof/core'
import { type Webhook, withWebhook, withWebhookApi } from '@hookproof/next'

const secret = 'install-test-secret'
const body = '{"type": "ping", "delivered_for": {"name": "next esm"}}'
const headers = { 'content-type': 'application/json', ...(await sign('orchest', { secret, body, event: 'ping' })) }

type Context = { params: Promise<{ slug: string }> }
const POST = withWebhook<Context>({ provider: 'orchest', secret }, async (webhook, request, context) => {
  const { payload } = webhook as Webhook<{ delivered_for: { name: string } }>
  return Response.json({ name: payload.delivered_for.name, slug: (await context.params).slug, method: request.method })
})
const ok = await POST(new Request('http://127.0.0.1/api/hooks/x', { method: 'POST', headers, body }), {
  params: Promise.resolve({ slug: 'x' }),
})
assert.equal(ok.status, 200)
assert.deepEqual(await ok.json(), { name: 'next esm', slug: 'x', method: 'POST' })

const forged = await POST(new Request('http://127.0.0.1/api/hooks/x', { method: 'POST', headers, body: `${body} ` }), {
  params: Promise.resolve({ slug: 'x' }),
})
assert.equal(forged.status, 401)
assert.equal(((await forged.json()) as { code: string }).code, 'SIGNATURE_MISMATCH')

// the Pages Router form type-checks with Next's own request and response types
const api = withWebhookApi({ provider: 'orchest', secret }, (webhook, req, res) => {
  res.status(204).end(webhook.event ?? req.url)
})
assert.equal(typeof api, 'function')
