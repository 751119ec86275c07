/**
 * For the `hookproof dev` tests: a forward-target app on node:http that records every request's
 * exact bytes (method, path, raw headers, body Buffer), and a dev server on a free port with a
 * temporary `--dir`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type DevServer, type DevServerOptions, startDevServer } from '../src/dev/server.js'

export interface AppRequest {
  method: string
  url: string
  rawHeaders: string[]
  body: Buffer
}

export interface TestApp {
  url: string
  requests: AppRequest[]
  /** Status the app answers with (default 202); a function sees the request. */
  answer: number | ((r: AppRequest) => number)
  /** Resolves when `n` requests have arrived. */
  waitFor(n: number): Promise<void>
  close(): Promise<void>
}

export async function startApp(): Promise<TestApp> {
  const requests: AppRequest[] = []
  const waiters: { n: number; resolve: () => void }[] = []
  const app: TestApp = {
    url: '',
    requests,
    answer: 202,
    waitFor: (n) => (requests.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', rawHeaders: [...req.rawHeaders], body: Buffer.concat(chunks) }
      requests.push(r)
      const status = typeof app.answer === 'function' ? app.answer(r) : app.answer
      if (status >= 400) {
        res
          .writeHead(status, { 'content-type': 'application/problem+json' })
          .end(JSON.stringify({ status, code: status === 401 ? 'SIGNATURE_MISMATCH' : 'APP_SAYS_NO' }))
      } else res.writeHead(status, { 'content-type': 'application/json' }).end('{"received":true}')
      for (const w of waiters.filter((x) => requests.length >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  app.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return app
}

// providers-list: the three the inspector tests send
export const DEV_SECRETS = {
  orchest: 'orchest-dev-secret',
  github: 'github-dev-secret',
  'standard-webhooks': 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
} as const

export interface TestDev {
  dev: DevServer
  dir: string
  /** What the server logged. */
  lines: string[]
  cleanup(): Promise<void>
}

export async function startDev(options: DevServerOptions = {}): Promise<TestDev> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hookproof-dev-'))
  const lines: string[] = []
  const dev = await startDevServer({ port: 0, dir, secrets: DEV_SECRETS, log: (l) => lines.push(l), ...options })
  return {
    dev,
    dir,
    lines,
    cleanup: async () => {
      await dev.close()
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Node's rawHeaders as [name, value] pairs without the hop-by-hop ones. */
export function endToEndPairs(rawHeaders: readonly string[]): [string, string][] {
  const out: [string, string][] = []
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (['connection', 'keep-alive', 'transfer-encoding'].includes((rawHeaders[i] as string).toLowerCase())) continue
    out.push([rawHeaders[i] as string, rawHeaders[i + 1] as string])
  }
  return out
}
