/**
 * A correct receiver on node:http built from core's adapter flow alone, one route per provider,
 * with a handled-count endpoint: what the sender is tested against, independent of Express/Koa.
 * Plus two misbehaving routes for transport tests: `/flaky` (fails N times, then 2xx) and `/hang`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MemoryReplayStore } from '@hookproof/core'
import { createWebhookFlow, type WebhookFlow } from '@hookproof/core/adapter'
import { MOCK_PROVIDERS, type MockProvider } from '../src/delivery.js'

/**
 * Secrets per registry provider: `<name>-current` / `<name>-previous`, except where a row wants a
 * key of its own form (Standard Webhooks' `whsec_`). Derived, so a new registry row needs no edit.
 */
// providers-list: the rows whose tests pin these secrets
const SPECIAL_SECRETS: Partial<Record<MockProvider, { current: string; previous: string }>> = {
  github: { current: 'gh-current', previous: 'gh-previous' },
  'designer-cloud': { current: 'dc-current', previous: 'dc-previous' },
  'standard-webhooks': {
    current: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    previous: 'whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX',
  },
}
export const TEST_SECRETS: Record<MockProvider, { current: string; previous: string }> = Object.fromEntries(
  MOCK_PROVIDERS.map((p) => [p, SPECIAL_SECRETS[p] ?? { current: `${p}-current`, previous: `${p}-previous` }]),
) as Record<MockProvider, { current: string; previous: string }>

export interface RecordedRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: Buffer
}

export interface ReceiverOptions {
  /** Turn off duplicate detection: the receiver then processes a repeated delivery twice. */
  dedup?: boolean
  /** Status the handler answers with; default 202. */
  handlerStatus?: number
}

export interface TestReceiver {
  url: string
  /** Handler runs, all routes together. */
  handled(): number
  /** `/flaky` answers 503 this many more times before 204. */
  failNext(times: number): void
  /** Every request `/flaky` and `/hang` received. */
  recorded: RecordedRequest[]
  close(): Promise<void>
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<TestReceiver> {
  let handled = 0
  let failures = 0
  const recorded: RecordedRequest[] = []
  const flows = new Map<string, WebhookFlow>()
  for (const provider of MOCK_PROVIDERS) {
    const { current, previous } = TEST_SECRETS[provider]
    flows.set(
      provider,
      createWebhookFlow({
        provider,
        secrets: [current, previous],
        replayStore: options.dedup === false ? false : new MemoryReplayStore(),
      }),
    )
  }

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] as string
    if (path === '/handled' || path === '/events/count') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: handled }))
      return
    }
    if (path === '/flaky' || path === '/hang') {
      const body = await readAll(req)
      recorded.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
      if (path === '/hang') return // never answers
      if (failures > 0) {
        failures--
        res.writeHead(503).end('try later')
      } else {
        res.writeHead(204).end()
      }
      return
    }
    const flow = flows.get(path.replace(/^\/webhooks\//, ''))
    if (flow === undefined) {
      res.writeHead(404).end()
      return
    }
    await flow.run({
      readBody: async () => new Uint8Array(await readAll(req)),
      readRequest: () => ({
        headers: req.headers,
        method: req.method ?? 'GET',
        url: `http://${req.headers.host}${req.url}`,
      }),
      send: (response) => {
        res.writeHead(response.status, response.headers).end(response.body)
      },
      handle: async () => {
        handled++
        const status = options.handlerStatus ?? 202
        res.writeHead(status, { 'content-type': 'application/json' }).end('{"received":true}')
        return status
      },
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    handled: () => handled,
    failNext: (times) => {
      failures = times
    },
    recorded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
