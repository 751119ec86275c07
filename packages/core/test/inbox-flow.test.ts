/**
 * The core side of the transactional inbox (`@hookproof/postgres`): `keyDeliveries` computes the
 * canonical key without a replay store, and the flow's `inbox` step (cheap read, 200 duplicate,
 * 503 when the database does not answer, `webhook.transaction`).
 */
import { describe, expect, it } from 'vitest'
import { createFlowWith, type FlowResponse } from '../src/flow.js'
import type { InboxResult, WebhookInbox, WebhookTransaction } from '../src/inbox.js'
import { createVerifier, sign } from '../src/node.js'
import { MemoryReplayStore } from '../src/replay.js'
import type { VerifiedWebhook } from '../src/verify.js'

const secret = 'test-secret-1'
const body = '{"event":"ping"}'

async function delivery(provider: 'orchest' | 'y42', id = 'delivery-1', key = secret) {
  const headers = { ...(await sign(provider, { secret: key, body, id, event: 'ping' })), 'content-type': 'application/json' }
  return { body: new TextEncoder().encode(body), headers }
}

describe('keyDeliveries', () => {
  it('computes the same replayKey as a store would, without a store', async () => {
    for (const provider of ['orchest', 'y42'] as const) {
      const d = await delivery(provider)
      const none = await createVerifier({ provider, secret }).verify(d)
      const keyed = await createVerifier({ provider, secret, keyDeliveries: true }).verify(d)
      const stored = await createVerifier({ provider, secret, replayStore: new MemoryReplayStore() }).verify(d)
      expect(none.replayKey).toBeUndefined()
      expect(keyed.replayKey).toBeDefined()
      expect(keyed.replayKey).toBe(stored.replayKey)
    }
  })

  it('a delivery signed with the previous secret gets the key of the current one (rotation)', async () => {
    const verifier = createVerifier({ provider: 'y42', secrets: [secret, 'old-secret'], keyDeliveries: true })
    const current = await verifier.verify(await delivery('y42', 'x', secret))
    const previous = await verifier.verify(await delivery('y42', 'x', 'old-secret'))
    expect(previous.secretIndex).toBe(1)
    expect(previous.replayKey).toBe(current.replayKey)
  })
})

function fakeInbox(has: () => Promise<boolean>) {
  const runs: string[] = []
  const inbox: WebhookInbox = {
    has,
    async run<T>(webhook: VerifiedWebhook, fn: (tx: never) => Promise<T>): Promise<InboxResult<T>> {
      runs.push(webhook.replayKey as string)
      return { status: 'processed', value: await fn({} as never) }
    },
  }
  return { inbox, runs }
}

async function runFlow(inbox: WebhookInbox, handle: (w: VerifiedWebhook) => Promise<number>) {
  const store = new MemoryReplayStore()
  const flow = createFlowWith(createVerifier, { provider: 'orchest', secret, inbox, replayStore: store })
  const sent: FlowResponse[] = []
  const d = await delivery('orchest', `flow-${Math.random()}`)
  let handled = 0
  await flow.run({
    readBody: async () => d.body,
    readRequest: () => ({ headers: d.headers, method: 'POST', url: 'http://127.0.0.1/hook' }),
    send: (r) => {
      sent.push(r)
    },
    handle: (w) => {
      handled++
      return handle(w)
    },
  })
  return { sent, handled, store }
}

describe('the flow with an inbox', () => {
  it('a committed delivery: 200 DUPLICATE_DELIVERY before the handler', async () => {
    const { inbox } = fakeInbox(async () => true)
    const { sent, handled } = await runFlow(inbox, async () => 204)
    expect(handled).toBe(0)
    expect(sent[0]?.status).toBe(200)
    expect(JSON.parse(sent[0]?.body ?? '{}').code).toBe('DUPLICATE_DELIVERY')
  })

  it('the read fails: 503 STORE_UNAVAILABLE with Retry-After, the handler not called', async () => {
    const { inbox } = fakeInbox(async () => {
      throw Object.assign(new Error('ECONNREFUSED'), { retryAfter: 9 })
    })
    const { sent, handled } = await runFlow(inbox, async () => 204)
    expect(handled).toBe(0)
    expect(sent[0]?.status).toBe(503)
    expect(sent[0]?.headers['retry-after']).toBe('9')
  })

  it('a new delivery: the handler gets transaction(fn), which is inbox.run for it', async () => {
    const { inbox, runs } = fakeInbox(async () => false)
    let result: unknown
    const { sent, handled } = await runFlow(inbox, async (w) => {
      result = await (w as VerifiedWebhook & { transaction: WebhookTransaction }).transaction(async () => 'effect')
      return 204
    })
    expect(handled).toBe(1)
    expect(sent).toEqual([])
    expect(result).toEqual({ status: 'processed', value: 'effect' })
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatch(/^orchest:/)
  })
})
