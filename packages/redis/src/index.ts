export {
  type IoredisClientLike,
  type NodeRedisClientLike,
  type RedisClientLike,
  RedisReplayStore,
  type RedisReplayStoreOptions,
  type ReplayStoreLogger,
} from './store.js'
