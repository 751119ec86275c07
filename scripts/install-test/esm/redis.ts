// import from '@hookproof/redis': the store is a core ReplayStore, typed against a node-redis-shaped client.
import assert from 'node:assert/strict'
import type { ReplayStore } from '@hookproof/core'
import { type NodeRedisClientLike, RedisReplayStore } from '@hookproof/redis'

const client: NodeRedisClientLike = {
  evalSha: async () => 'new',
  eval: async () => 'new',
  set: async () => 'OK',
  del: async () => 1,
}
const store: ReplayStore = new RedisReplayStore({ client })
assert.equal(await store.begin('orchest:1', 60_000), 'new')
await store.complete('orchest:1', 60_000)
