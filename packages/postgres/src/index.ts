export {
  type KyselyLike,
  type PGliteLike,
  type PGliteTransactionLike,
  type PgClientLike,
  type PgPoolLike,
  PostgresInbox,
  type PostgresInboxOptions,
  type PostgresJsLike,
  type PostgresTransaction,
  type PruneResult,
  type RecordTarget,
} from './inbox.js'
