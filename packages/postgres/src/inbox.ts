import {
  type InboxQueryResult,
  type InboxResult,
  type InboxTransaction,
  providers,
  type VerifiedWebhook,
  type WebhookInbox,
  WebhookVerificationError,
} from '@hookproof/core'

/**
 * What the inbox needs of a `pg` `Pool` (node-postgres 8): `connect()` for a transaction's own
 * connection, `query()` for the cheap read and `prune()`.
 *
 * @example
 * import pg from 'pg'
 * const client: PgPoolLike = new pg.Pool({ connectionString: process.env.DATABASE_URL })
 */
export interface PgPoolLike {
  connect(): Promise<PgClientLike & { release(error?: Error | boolean): void }>
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>
  /** Present on a `Pool`, absent on a single `Client` (which cannot run transactions side by side). */
  readonly totalCount: number
}

/**
 * Anything with node-postgres's `query(text, params)`: a `pg` `Client` or `PoolClient`.
 *
 * @example
 * const client: PgClientLike = await pool.connect()
 */
export interface PgClientLike {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>
  on?(event: 'error', listener: (error: Error) => void): unknown
  off?(event: 'error', listener: (error: Error) => void): unknown
}

/**
 * What the inbox needs of a PGlite instance (`@electric-sql/pglite`): `query` and `transaction`.
 *
 * @example
 * import { PGlite } from '@electric-sql/pglite'
 * const client: PGliteLike = new PGlite() // in memory; new PGlite('./data') persists
 */
export interface PGliteLike {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }>
  transaction<T>(fn: (tx: PGliteTransactionLike) => Promise<T>): Promise<T>
  exec(text: string): Promise<unknown>
}

/**
 * A PGlite `Transaction`, as `db.transaction(async (tx) => …)` passes it.
 *
 * @example
 * await db.transaction(async (tx: PGliteTransactionLike) => { await inbox.record(tx, webhook) })
 */
export interface PGliteTransactionLike {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }>
}

/**
 * A postgres.js (`postgres` 3) transaction or connection: `sql.begin(async (tx) => …)` passes one.
 *
 * @example
 * await sql.begin(async (tx: PostgresJsLike) => { await inbox.record(tx, webhook) })
 */
export interface PostgresJsLike {
  unsafe(text: string, params?: unknown[]): PromiseLike<ArrayLike<unknown> & { count?: number }>
}

/**
 * A postgres.js (`postgres` 3) client as `postgres(url)` returns it: usable as the inbox's own
 * `client` (its `begin` runs the transactions).
 *
 * @example
 * import postgres from 'postgres'
 * const client: PostgresJsSqlLike = postgres(process.env.DATABASE_URL)
 */
export interface PostgresJsSqlLike extends PostgresJsLike {
  begin<T>(fn: (tx: PostgresJsLike) => Promise<T>): Promise<T>
}

/**
 * A Kysely transaction (or instance): `db.transaction().execute(async (trx) => …)` passes one.
 *
 * @example
 * await db.transaction().execute(async (trx: KyselyLike) => { await inbox.record(trx, webhook) })
 */
export interface KyselyLike {
  executeQuery(query: never): Promise<{ rows: unknown[]; numAffectedRows?: bigint }>
}

/**
 * A Kysely instance (`new Kysely({ dialect })`): usable as the inbox's own `client`
 * (`db.transaction().execute(…)` runs the transactions).
 *
 * @example
 * const client: KyselyDbLike = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
 */
export interface KyselyDbLike extends KyselyLike {
  transaction(): { execute<T>(fn: (trx: KyselyLike) => Promise<T>): Promise<T> }
}

/**
 * A transaction the user already has, in any of the supported clients: `pg` (`Client`,
 * `PoolClient`), a PGlite `Transaction`, postgres.js, Kysely, or an {@link PostgresTransaction}.
 *
 * @example
 * const tx: RecordTarget = await pool.connect()
 */
export type RecordTarget = PgClientLike | PGliteTransactionLike | PostgresJsLike | KyselyLike

/**
 * The `tx` of {@link PostgresInbox.run}: `query(text, params)` on either client, and `client`,
 * the driver's own transaction object (a `pg` `PoolClient` or a PGlite `Transaction`), for a
 * query builder such as Drizzle (`drizzle(tx.client)`) or Kysely.
 *
 * @example
 * await inbox.run(webhook, async (tx: PostgresTransaction) => {
 *   await tx.query('insert into orders (ref, total) values ($1, $2)', [webhook.deliveryId, 42])
 * })
 */
export interface PostgresTransaction extends InboxTransaction {
  readonly client: PgClientLike | PGliteTransactionLike | PostgresJsLike | KyselyLike
}

/**
 * Options of {@link PostgresInbox}.
 *
 * @example
 * const options: PostgresInboxOptions = { client: new PGlite(), table: 'webhooks.inbox' }
 */
export interface PostgresInboxOptions {
  /**
   * A `pg` `Pool` (a real server), a PGlite instance (Postgres in-process), a postgres.js `sql`,
   * or a Kysely instance. The inbox never opens or closes it.
   */
  client: PgPoolLike | PGliteLike | PostgresJsSqlLike | KyselyDbLike
  /** Table of delivery records, optionally schema-qualified. Default `hookproof_inbox`. */
  table?: string
  /**
   * How long a record is kept, in seconds, before `prune()` may remove it. Default: the
   * provider's retry window (the same `replayTtlSeconds` the replay stores use; 7 days for a
   * provider hookproof does not know).
   */
  retentionSeconds?: number
  /** `Retry-After` of the `STORE_UNAVAILABLE` answer when the database does not answer, in seconds. Default 5. */
  retryAfterSeconds?: number
}

/**
 * What {@link PostgresInbox.prune} removed.
 *
 * @example
 * const { deleted, batches }: PruneResult = await inbox.prune()
 */
export interface PruneResult {
  readonly deleted: number
  readonly batches: number
}

const DEFAULT_TABLE = 'hookproof_inbox'
const DEFAULT_RETENTION_SECONDS = 7 * 86_400
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

interface Driver {
  readonly kind: 'pg' | 'pglite' | 'postgres.js' | 'kysely'
  query(text: string, params: unknown[]): Promise<InboxQueryResult>
  transaction<T>(fn: (tx: PostgresTransaction) => Promise<T>, own: OwnStatements): Promise<T>
}

/** Marks the inbox's own statements, whose failure means the database is unreachable, not a handler bug. */
class OwnStatements {
  failure: unknown
}

function rowsOf(result: { rows?: unknown[] } | ArrayLike<unknown>): unknown[] {
  if (Array.isArray(result)) return result
  const rows = (result as { rows?: unknown[] }).rows
  return Array.isArray(rows) ? rows : Array.from(result as ArrayLike<unknown>)
}

function normalize(result: { rows: unknown[]; rowCount?: number | null; affectedRows?: number }): InboxQueryResult {
  const rows = result.rows as Record<string, unknown>[]
  const count = result.rowCount ?? (result.affectedRows || rows.length)
  return { rows, rowCount: count }
}

function isPool(client: unknown): client is PgPoolLike {
  const c = client as Partial<PgPoolLike> | null
  return typeof c?.connect === 'function' && typeof c.query === 'function' && typeof c.totalCount === 'number'
}

function isPostgresJs(client: unknown): client is PostgresJsSqlLike {
  // a postgres.js sql is a tagged-template function with methods
  if (typeof client !== 'function') return false
  const c = client as unknown as Partial<PostgresJsSqlLike>
  return typeof c.unsafe === 'function' && typeof c.begin === 'function'
}

function isKysely(client: unknown): client is KyselyDbLike {
  const c = client as Partial<KyselyDbLike> | null
  return typeof c?.executeQuery === 'function' && typeof c.transaction === 'function'
}

function isPGlite(client: unknown): client is PGliteLike {
  const c = client as Partial<PGliteLike> | null
  return typeof c?.transaction === 'function' && typeof c.query === 'function' && typeof c.exec === 'function'
}

function pgDriver(pool: PgPoolLike): Driver {
  return {
    kind: 'pg',
    async query(text, params) {
      return normalize(await pool.query(text, params))
    },
    async transaction(fn, own) {
      let client: Awaited<ReturnType<PgPoolLike['connect']>>
      try {
        client = await pool.connect()
      } catch (error) {
        own.failure = error
        throw error
      }
      let broken = false
      // a connection lost while checked out is reported on the client, not the pool: without a
      // listener it would crash the process; the failing query tells the rest
      const lost = (error: Error) => {
        broken = true
        own.failure ??= error
      }
      client.on?.('error', lost)
      try {
        try {
          await client.query('BEGIN')
        } catch (error) {
          own.failure = error
          throw error
        }
        const tx: PostgresTransaction = {
          client,
          query: async <Row>(text: string, params?: readonly unknown[]) =>
            normalize(await client.query(text, params as unknown[])) as InboxQueryResult<Row>,
        }
        const value = await fn(tx)
        try {
          await client.query('COMMIT')
        } catch (error) {
          // committed or not, we cannot tell: the sender's retry finds out (duplicate or processed)
          own.failure = error
          broken = true
          throw error
        }
        return value
      } catch (error) {
        if (!broken) {
          try {
            await client.query('ROLLBACK')
          } catch (rollback) {
            // the connection is gone: the server rolls the transaction back itself
            broken = true
            own.failure ??= rollback
          }
        }
        throw error
      } finally {
        client.off?.('error', lost)
        client.release(broken)
      }
    },
  }
}

/** A Kysely CompiledQuery of raw SQL, built by shape so that kysely need not be installed. */
function compiled(text: string, params: readonly unknown[]): never {
  return {
    sql: text,
    parameters: Object.freeze([...params]),
    query: Object.freeze({ kind: 'RawNode', sqlFragments: Object.freeze([text]), parameters: Object.freeze([]) }),
    queryId: { queryId: 'hookproof-inbox' },
  } as never
}

function kyselyQuery(db: KyselyLike) {
  return async <Row>(text: string, params: readonly unknown[] = []): Promise<InboxQueryResult<Row>> => {
    const result = await db.executeQuery(compiled(text, params))
    const rows = result.rows as Row[]
    return { rows, rowCount: rows.length > 0 || result.numAffectedRows === undefined ? rows.length : Number(result.numAffectedRows) }
  }
}

function postgresJsQuery(sql: PostgresJsLike) {
  return async <Row>(text: string, params: readonly unknown[] = []): Promise<InboxQueryResult<Row>> => {
    const result = await sql.unsafe(text, [...params])
    const rows = Array.from(result) as Row[]
    return { rows, rowCount: typeof result.count === 'number' ? result.count : rows.length }
  }
}

/** A driver over a client whose own transaction call does BEGIN, COMMIT and ROLLBACK. */
function wrappingDriver<Tx>(
  kind: Driver['kind'],
  query: (text: string, params: unknown[]) => Promise<InboxQueryResult>,
  transaction: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>,
  txQuery: (tx: Tx) => PostgresTransaction['query'],
): Driver {
  return {
    kind,
    query,
    async transaction(fn, own) {
      let entered = false
      try {
        return await transaction((client) => {
          entered = true
          return fn({ client: client as PostgresTransaction['client'], query: txQuery(client) })
        })
      } catch (error) {
        // failed before the transaction began (no connection): the database is unreachable
        if (!entered) own.failure ??= error
        throw error
      }
    },
  }
}

function pgliteDriver(db: PGliteLike): Driver {
  return {
    kind: 'pglite',
    async query(text, params) {
      return normalize(await db.query(text, params))
    },
    transaction(fn, own) {
      return db
        .transaction((client) => {
          const tx: PostgresTransaction = {
            client,
            query: async <Row>(text: string, params?: readonly unknown[]) =>
              normalize(await client.query(text, params as unknown[])) as InboxQueryResult<Row>,
          }
          return fn(tx)
        })
        .catch((error: unknown) => {
          if ((error as { message?: unknown })?.message === 'PGlite is closed') own.failure = error
          throw error
        })
    },
  }
}

/**
 * A transactional inbox in Postgres: each webhook delivery's canonical key (`webhook.replayKey`,
 * what the MAC covers) is inserted in the same transaction as the handler's writes, so the effect
 * and the record commit together or not at all. A process that dies after the commit leaves a
 * record behind, and the sender's retry is answered as a duplicate; one that dies before leaves
 * nothing, and the retry is processed. Works across processes by itself: a concurrent copy's
 * insert waits on the uncommitted key, then sees `duplicate` (or runs, if the first rolled back).
 *
 * @example
 * import { PGlite } from '@electric-sql/pglite'
 * import { PostgresInbox } from '@hookproof/postgres'
 *
 * const inbox = new PostgresInbox({ client: new PGlite() }) // or { client: new pg.Pool() }
 * await inbox.migrate()
 * const result = await inbox.run(webhook, async (tx) => {
 *   await tx.query('insert into orders (ref) values ($1)', [webhook.deliveryId])
 * })
 * if (result.status === 'duplicate') console.log('already processed: nothing written')
 */
export class PostgresInbox implements WebhookInbox<PostgresTransaction> {
  readonly #driver: Driver
  readonly #table: string
  readonly #index: string
  readonly #retention: number | undefined
  readonly #retryAfter: number
  readonly #insert: string
  readonly #select: string

  /**
   * @throws {TypeError} when `client` is neither a `pg` `Pool` nor a PGlite instance, or `table` is not a plain (optionally schema-qualified) name.
   */
  constructor(options: PostgresInboxOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('new PostgresInbox({ client }): options must be an object')
    const { client, table = DEFAULT_TABLE, retentionSeconds, retryAfterSeconds = 5 } = options
    if (isPool(client)) this.#driver = pgDriver(client)
    else if (isPGlite(client)) this.#driver = pgliteDriver(client)
    else if (isPostgresJs(client)) {
      const sql = client
      this.#driver = wrappingDriver('postgres.js', postgresJsQuery(sql), (fn) => sql.begin(fn), postgresJsQuery)
    } else if (isKysely(client)) {
      const db = client
      this.#driver = wrappingDriver('kysely', kyselyQuery(db), (fn) => db.transaction().execute(fn), kyselyQuery)
    } else {
      throw new TypeError(
        'client must be a pg Pool (new pg.Pool()), a PGlite instance (new PGlite()), a postgres.js sql or a Kysely instance; a single pg Client cannot hold transactions side by side',
      )
    }
    const parts = typeof table === 'string' ? table.split('.') : []
    if (parts.length < 1 || parts.length > 2 || !parts.every((p) => NAME.test(p))) {
      throw new TypeError(`table must be a name like 'hookproof_inbox' or 'webhooks.inbox', got ${String(table)}`)
    }
    if (retentionSeconds !== undefined && !(typeof retentionSeconds === 'number' && retentionSeconds > 0)) {
      throw new TypeError(`retentionSeconds must be a positive number, got ${String(retentionSeconds)}`)
    }
    if (!(typeof retryAfterSeconds === 'number' && retryAfterSeconds > 0)) {
      throw new TypeError(`retryAfterSeconds must be a positive number, got ${String(retryAfterSeconds)}`)
    }
    this.#table = parts.map((p) => `"${p}"`).join('.')
    this.#index = `"${(parts.at(-1) as string).slice(0, 50)}_expires_at_idx"`
    this.#retention = retentionSeconds
    this.#retryAfter = retryAfterSeconds
    this.#insert =
      `INSERT INTO ${this.#table} (key, provider, delivery_id, expires_at) ` +
      `VALUES ($1::text, $2::text, $3::text, now() + $4::integer * interval '1 second') ON CONFLICT (key) DO NOTHING RETURNING key`
    this.#select = `SELECT 1 AS known FROM ${this.#table} WHERE key = $1::text`
  }

  /** Which client was detected: `'pg'`, `'pglite'`, `'postgres.js'` or `'kysely'`. */
  get client(): Driver['kind'] {
    return this.#driver.kind
  }

  /**
   * Creates the table and its expiry index when missing. Idempotent, and safe when several
   * processes start at once (an advisory lock serialises them).
   *
   * @example
   * await inbox.migrate() // at startup, before the server listens
   */
  async migrate(): Promise<void> {
    const statements = [
      `CREATE TABLE IF NOT EXISTS ${this.#table} (key text PRIMARY KEY, provider text NOT NULL, delivery_id text, processed_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS ${this.#index} ON ${this.#table} (expires_at)`,
    ]
    await this.#driver.transaction(async (tx) => {
      // CREATE ... IF NOT EXISTS races with itself across processes: one at a time
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1::text))', [this.#table])
      // no "already exists, skipping" notice on every start (postgres.js prints notices by default)
      await tx.query('SET LOCAL client_min_messages = warning')
      for (const statement of statements) await tx.query(statement)
    }, new OwnStatements())
  }

  /**
   * The cheap read adapters do before the handler: `true` when this delivery's record is
   * committed. An uncommitted one (a copy in flight elsewhere) reads `false`; {@link run} then
   * waits for it.
   *
   * @example
   * if (await inbox.has(webhook)) return res.status(200).json({ duplicate: true })
   * @throws {WebhookVerificationError} `STORE_UNAVAILABLE` (503, `Retry-After`) when the database does not answer.
   */
  async has(webhook: VerifiedWebhook): Promise<boolean> {
    const key = keyOf(webhook)
    try {
      const { rows } = await this.#driver.query(this.#select, [key])
      return rows.length > 0
    } catch (error) {
      throw this.#unavailable('read', error)
    }
  }

  /**
   * One transaction: inserts the delivery's key, runs `fn(tx)`, commits both. Resolves
   * `{ status: 'processed', value }`, or `{ status: 'duplicate' }` without running `fn` when the
   * delivery was already committed. A copy running concurrently elsewhere makes this call wait,
   * then see `duplicate`, or run if that copy rolled back. When `fn` throws, both roll back and
   * the error is rethrown, so the sender's retry is processed.
   *
   * @example
   * const result = await inbox.run(webhook, async (tx) => {
   *   await tx.query('insert into payments (ref, cents) values ($1, $2)', [webhook.deliveryId, 1200])
   *   return 'charged'
   * })
   * // { status: 'processed', value: 'charged' } the first time, { status: 'duplicate' } after
   * @throws {WebhookVerificationError} `STORE_UNAVAILABLE` (503, `Retry-After`) when the database does not answer; nothing is then known to be committed.
   * @throws {TypeError} when the delivery has no `replayKey` (see the verifier's `keyDeliveries` and `deliveryKey` options).
   */
  async run<T>(webhook: VerifiedWebhook, fn: (tx: PostgresTransaction) => Promise<T>): Promise<InboxResult<T>> {
    const key = keyOf(webhook)
    if (typeof fn !== 'function') throw new TypeError('inbox.run(webhook, fn): fn must be an async function of the transaction')
    const own = new OwnStatements()
    try {
      return await this.#driver.transaction(async (tx) => {
        let inserted: InboxQueryResult
        try {
          inserted = await tx.query(this.#insert, this.#params(webhook, key))
        } catch (error) {
          own.failure = error
          throw error
        }
        if (inserted.rows.length === 0) return { status: 'duplicate' } as const
        return { status: 'processed', value: await fn(tx) } as const
      }, own)
    } catch (error) {
      if (own.failure !== undefined) throw this.#unavailable('transaction', own.failure)
      throw error
    }
  }

  /**
   * Records the delivery inside a transaction you already have, so your writes in it commit with
   * the record: `'new'` (go on and write), or `'duplicate'` (already committed: write nothing).
   * `tx` is a `pg` `Client`/`PoolClient` after `BEGIN`, a PGlite `Transaction`, a postgres.js
   * `sql.begin` transaction, a Kysely transaction, or the `tx` of {@link run}. A concurrent copy
   * waits here until the first commits or rolls back.
   *
   * @example
   * const client = await pool.connect()
   * try {
   *   await client.query('BEGIN')
   *   if ((await inbox.record(client, webhook)) === 'new') {
   *     await client.query('insert into orders (ref) values ($1)', [webhook.deliveryId])
   *   }
   *   await client.query('COMMIT')
   * } catch (error) {
   *   await client.query('ROLLBACK')
   *   throw error
   * } finally {
   *   client.release()
   * }
   * @throws {TypeError} when `tx` is none of the supported clients, or the delivery has no `replayKey`.
   */
  async record(tx: RecordTarget, webhook: VerifiedWebhook): Promise<'new' | 'duplicate'> {
    const key = keyOf(webhook)
    const params = this.#params(webhook, key)
    const target = tx as Partial<PgClientLike & PostgresJsLike & KyselyLike> | null
    let rows: unknown[]
    if (typeof target?.unsafe === 'function') {
      rows = rowsOf(await target.unsafe(this.#insert, params))
    } else if (typeof target?.executeQuery === 'function') {
      rows = rowsOf(await target.executeQuery(compiled(this.#insert, params)))
    } else if (typeof target?.query === 'function') {
      rows = rowsOf(await target.query(this.#insert, params))
    } else {
      throw new TypeError('inbox.record(tx, webhook): tx must be a pg client, a PGlite transaction, a postgres.js or a Kysely transaction')
    }
    return rows.length === 1 ? 'new' : 'duplicate'
  }

  /**
   * Removes records whose retention has passed, `batchSize` rows per statement (rows locked by a
   * running transaction are skipped), until none is left or `maxBatches` ran. Never called on
   * the request path: run it from a timer or a cron job, e.g. hourly.
   *
   * @example
   * setInterval(() => inbox.prune().catch((error) => console.warn('inbox prune failed', error)), 3_600_000).unref()
   */
  async prune(options: { batchSize?: number; maxBatches?: number } = {}): Promise<PruneResult> {
    const { batchSize = 1000, maxBatches = Number.POSITIVE_INFINITY } = options
    if (!(Number.isInteger(batchSize) && batchSize > 0))
      throw new TypeError(`batchSize must be a positive integer, got ${String(batchSize)}`)
    const statement =
      `DELETE FROM ${this.#table} WHERE key IN ` +
      `(SELECT key FROM ${this.#table} WHERE expires_at < now() ORDER BY expires_at LIMIT $1::integer FOR UPDATE SKIP LOCKED)`
    let deleted = 0
    let batches = 0
    while (batches < maxBatches) {
      const { rowCount } = await this.#driver.query(statement, [batchSize])
      batches++
      deleted += rowCount
      if (rowCount < batchSize) break
    }
    return { deleted, batches }
  }

  #params(webhook: VerifiedWebhook, key: string): unknown[] {
    const seconds = this.#retention ?? providers[webhook.provider as keyof typeof providers]?.replayTtlSeconds ?? DEFAULT_RETENTION_SECONDS
    return [key, webhook.provider, webhook.deliveryId ?? null, Math.ceil(seconds)]
  }

  #unavailable(operation: string, cause: unknown): WebhookVerificationError {
    const error = new WebhookVerificationError(
      'STORE_UNAVAILABLE',
      `The inbox database did not answer (${operation}: ${describe(cause)}); the sender should retry later`,
      { cause, retryAfter: this.#retryAfter },
    )
    // Express's and Koa's own error handlers answer with err.status and set err.headers
    return Object.assign(error, { headers: { 'retry-after': String(this.#retryAfter) }, expose: true })
  }
}

function keyOf(webhook: VerifiedWebhook): string {
  const key = (webhook as { replayKey?: unknown } | null)?.replayKey
  if (typeof key !== 'string' || key === '') {
    throw new TypeError(
      'this delivery has no replayKey: verify it with a replayStore or keyDeliveries: true (adapters with an inbox do), or give the verifier a deliveryKey',
    )
  }
  return key
}

function describe(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown } | null
  const code = typeof e?.code === 'string' ? `${e.code} ` : ''
  return `${code}${typeof e?.message === 'string' ? e.message : String(error)}`.slice(0, 200)
}
