// import from '@hookproof/postgres': the inbox is a core WebhookInbox, typed against a PGlite-shaped client.
import assert from 'node:assert/strict'
import type { VerifiedWebhook, WebhookInbox } from '@hookproof/core'
import { type PGliteLike, PostgresInbox, type PostgresTransaction } from '@hookproof/postgres'

const query: PGliteLike['query'] = async (text, params = []) => ({ rows: text.startsWith('INSERT') ? [{ key: params[0] }] : [] })
const client: PGliteLike = { query, exec: async () => [], transaction: (fn) => fn({ query }) }
const inbox: WebhookInbox<PostgresTransaction> = new PostgresInbox({ client })
const webhook = { provider: 'orchest', deliveryId: 'd-1', replayKey: 'orchest:id:d-1' } as VerifiedWebhook
const result = await inbox.run(webhook, async (tx) => (await tx.query('SELECT 1')).rowCount)
assert.deepEqual(result, { status: 'processed', value: 0 })
