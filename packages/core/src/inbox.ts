import { type Failure, fail } from './failure.js'
import type { VerifiedWebhook } from './verify.js'

/**
 * One row set from {@link InboxTransaction.query}, the same shape on every client.
 *
 * @example
 * const { rows, rowCount }: InboxQueryResult<{ id: number }> = await tx.query('select id from orders where ref = $1', [ref])
 */
export interface InboxQueryResult<Row = Record<string, unknown>> {
  readonly rows: Row[]
  /** Rows inserted, updated, deleted or returned. */
  readonly rowCount: number
}

/**
 * The transaction an inbox hands to the handler: the delivery's record is already in it, so the
 * handler's writes through `query` commit with it or not at all.
 *
 * @example
 * await inbox.run(webhook, (tx: InboxTransaction) => tx.query('insert into orders (ref) values ($1)', [webhook.deliveryId]))
 */
export interface InboxTransaction {
  /** A parameterised statement (`$1`, `$2`, …) inside the transaction. */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<InboxQueryResult<Row>>
  /** The driver's own transaction object (a `pg` `PoolClient`, a PGlite `Transaction`), for a query builder. */
  readonly client: unknown
}

/**
 * What {@link WebhookInbox.run} resolves to: the function's value, or `duplicate` when the
 * delivery was already committed (the function did not run).
 *
 * @example
 * const result: InboxResult<number> = await inbox.run(webhook, async (tx) => (await tx.query('insert into t values (1)')).rowCount)
 * if (result.status === 'duplicate') console.log('already processed')
 */
export type InboxResult<T> = { readonly status: 'processed'; readonly value: T } | { readonly status: 'duplicate' }

/**
 * A transactional inbox (`PostgresInbox` from `@hookproof/postgres`): the adapters' `inbox`
 * option. `has` is the cheap read before the handler; `run` records the delivery and runs the
 * handler's writes in one transaction.
 *
 * @example
 * const inbox: WebhookInbox = new PostgresInbox({ client: new PGlite() })
 * app.post('/webhooks/orchest', verifyWebhook({ provider: 'orchest', secret, inbox }), handler)
 */
export interface WebhookInbox<Tx extends InboxTransaction = InboxTransaction> {
  /** `true` when the delivery's record is committed. Rejects (`STORE_UNAVAILABLE`) when the database does not answer. */
  has(webhook: VerifiedWebhook): Promise<boolean>
  /** One transaction: the delivery's record, then `fn`; `duplicate` without running `fn` when already committed. */
  run<T>(webhook: VerifiedWebhook, fn: (tx: Tx) => Promise<T>): Promise<InboxResult<T>>
}

/**
 * `req.webhook.transaction(fn)` / `ctx.state.webhook.transaction(fn)` with an `inbox`:
 * `inbox.run` for this delivery. On `duplicate`, `fn` did not run (another copy committed
 * first): answer 2xx, the sender must stop retrying.
 *
 * @example
 * const result = await (req.webhook.transaction as WebhookTransaction)(async (tx) => {
 *   await tx.query('insert into orders (ref) values ($1)', [req.webhook.deliveryId])
 * })
 * res.sendStatus(result.status === 'duplicate' ? 200 : 204)
 */
export type WebhookTransaction<Tx extends InboxTransaction = InboxTransaction> = <T>(fn: (tx: Tx) => Promise<T>) => Promise<InboxResult<T>>

/**
 * Checks the adapters' `inbox` option at startup.
 *
 * @example
 * checkInbox(options.inbox) // throws TypeError unless it has has() and run()
 */
export function checkInbox(inbox: unknown): asserts inbox is WebhookInbox | undefined {
  if (inbox === undefined) return
  const candidate = inbox as Partial<WebhookInbox> | null
  if (typeof candidate?.has !== 'function' || typeof candidate.run !== 'function') {
    throw new TypeError('inbox must have has(webhook) and run(webhook, fn), e.g. new PostgresInbox({ client }) from @hookproof/postgres')
  }
}

/** @internal The per-request state of the flow's inbox step. */
export interface InboxGate {
  /** The delivery with `transaction` set. */
  readonly webhook: VerifiedWebhook
  /** Whether the handler called `transaction`. */
  used: boolean
}

/**
 * @internal The inbox step of the flow, before the handler: a committed delivery is answered as a
 * processed duplicate (200), an unreachable database as `STORE_UNAVAILABLE` (503 + Retry-After);
 * else the delivery gets `transaction(fn)`.
 */
export async function openInbox(inbox: WebhookInbox, webhook: VerifiedWebhook): Promise<InboxGate | Failure> {
  if (webhook.replayKey === undefined) {
    // without a key there is nothing to record: run the handler, which then cannot use transaction()
    return fail('STORE_UNAVAILABLE', 'This delivery has no replay key (see deliveryKey), so the inbox cannot record it', {
      provider: webhook.provider,
      status: 500,
    })
  }
  let known: boolean
  try {
    known = await inbox.has(webhook)
  } catch (error) {
    return fail('STORE_UNAVAILABLE', 'The inbox database did not answer; retry later', {
      provider: webhook.provider,
      retryAfter: (error as { retryAfter?: number })?.retryAfter ?? 5,
    })
  }
  if (known) {
    return fail('DUPLICATE_DELIVERY', `Delivery ${webhook.deliveryId ?? '(by signature)'} was already processed`, {
      provider: webhook.provider,
      status: 200,
    })
  }
  const gate: InboxGate = { webhook, used: false }
  const transaction: WebhookTransaction = (fn) => {
    gate.used = true
    return inbox.run(webhook, fn)
  }
  // a new property on this one object only when an inbox is configured: the plain path keeps its shape
  ;(webhook as { transaction?: WebhookTransaction }).transaction = transaction
  return gate
}
