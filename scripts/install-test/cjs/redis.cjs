// require('@hookproof/redis'): construct the store over a fake ioredis-shaped client and claim a delivery.
const assert = require('node:assert/strict')
const { RedisReplayStore } = require('@hookproof/redis')

async function main() {
  const calls = []
  const reply =
    (name, value) =>
    async (...args) => {
      calls.push([name, ...args])
      return value
    }
  const client = { evalsha: reply('evalsha', 'new'), eval: reply('eval', 'new'), set: reply('set', 'OK'), del: reply('del', 1) }
  const store = new RedisReplayStore({ client, prefix: 'install-test:' })
  assert.equal(await store.begin('orchest:1', 60_000), 'new')
  assert.equal(calls.length, 1)
  await store.complete('orchest:1', 60_000)
  assert.deepEqual(calls[1], ['set', 'install-test:orchest:1', 'done', 'PX', '60000'])
  assert.throws(() => new RedisReplayStore({ client: {} }), TypeError)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
