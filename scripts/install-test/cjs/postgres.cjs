// require('@hookproof/postgres'): detect a PGlite-shaped client, record a delivery, see the duplicate.
const assert = require('node:assert/strict')
const { PostgresInbox } = require('@hookproof/postgres')

async function main() {
  const keys = new Set()
  const query = async (text, params = []) => {
    if (!text.startsWith('INSERT')) return { rows: text.startsWith('SELECT 1 AS known') && keys.has(params[0]) ? [{ known: 1 }] : [] }
    if (keys.has(params[0])) return { rows: [] }
    keys.add(params[0])
    return { rows: [{ key: params[0] }] }
  }
  const client = { query, exec: async () => [], transaction: (fn) => fn({ query }) }
  const inbox = new PostgresInbox({ client })
  assert.equal(inbox.client, 'pglite')
  await inbox.migrate()
  const webhook = { provider: 'orchest', deliveryId: 'd-1', replayKey: 'orchest:id:d-1' }
  assert.deepEqual(await inbox.run(webhook, async () => 'done'), { status: 'processed', value: 'done' })
  assert.deepEqual(await inbox.run(webhook, async () => 'again'), { status: 'duplicate' })
  assert.equal(await inbox.has(webhook), true)
  assert.throws(() => new PostgresInbox({ client: {} }), TypeError)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
