// Conformance judged against real receivers a user would write, through real HTTP: a hookproof
// Express app (202 and 204), receivers with no duplicate handling (with and without a counter),
// a correct receiver written with @octokit/webhooks-methods (400 for forgeries), one that gzips
// every answer, and the CLI's --method for Designer Cloud GET/DELETE deliveries.
import { execFile } from 'node:child_process'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { createVerifier } from '@hookproof/core'
import { verifyWebhook } from '@hookproof/express'
import { verify as octokitVerify } from '@octokit/webhooks-methods'
import express from 'express'
import { afterAll, describe, expect, it } from 'vitest'
import { conformance, formatReport } from '../src/conformance/conformance.js'
import { faultsFor } from '../src/faults/faults.js'
import { TEST_SECRETS } from './receiver.js'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const CLI = fileURLToPath(new URL('../src/cli/hookproof-send.ts', import.meta.url))
const { current: GH, previous: GH_OLD } = TEST_SECRETS.github

interface Running {
  url: string
  handled: () => number
  seen: IncomingHttpHeaders[]
  close: () => Promise<void>
}
const running: Running[] = []
afterAll(() => Promise.all(running.map((r) => r.close())))

function listen(server: Server, handled: () => number, seen: IncomingHttpHeaders[] = []): Promise<Running> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      const r: Running = {
        url: `http://127.0.0.1:${port}`,
        handled,
        seen,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      }
      running.push(r)
      resolve(r)
    })
  })
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** The hookproof Express receiver of the package README, answering `status`, with a counter. */
async function hookproofExpress(status: number): Promise<Running> {
  let handled = 0
  const app = express()
  app.post('/webhooks/github', verifyWebhook({ provider: 'github', secrets: [GH, GH_OLD] }), (_req, res) => {
    handled++
    res.sendStatus(status)
  })
  app.get('/handled', (_req, res) => {
    res.json({ count: handled })
  })
  return listen(createServer(app), () => handled)
}

/** Verifies signatures, but has no duplicate handling: a repeated delivery runs the handler again. */
async function noDuplicateHandling(): Promise<Running> {
  let handled = 0
  const verifier = createVerifier({ provider: 'github', secrets: [GH, GH_OLD] })
  const server = createServer(async (req, res) => {
    if (req.url === '/handled') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: handled }))
      return
    }
    const result = await verifier.check({ body: await readAll(req), headers: req.headers })
    if (!result.ok) {
      res.writeHead(result.status).end()
      return
    }
    handled++
    res.writeHead(200).end('ok')
  })
  return listen(server, () => handled)
}

/**
 * A correct GitHub receiver written the way octokit's docs show, no hookproof in it: 400 for any
 * signature that does not verify, each X-GitHub-Delivery processed once (remembered in a Set).
 */
async function octokitReceiver(): Promise<Running> {
  let handled = 0
  const delivered = new Set<string>()
  const server = createServer(async (req, res) => {
    if (req.url === '/handled') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: handled }))
      return
    }
    const body = (await readAll(req)).toString('utf8')
    const signature = req.headers['x-hub-signature-256']
    let valid = false
    if (typeof signature === 'string') {
      for (const secret of [GH, GH_OLD]) {
        valid ||= await octokitVerify(secret, body, signature).catch(() => false)
      }
    }
    if (!valid) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"signature does not match"}')
      return
    }
    const id = String(req.headers['x-github-delivery'])
    if (delivered.has(id)) {
      res.writeHead(200).end('already processed')
      return
    }
    delivered.add(id)
    handled++
    res.writeHead(202).end('accepted')
  })
  return listen(server, () => handled)
}

/** hookproof's answers, always gzipped (as some servers do whatever the request asked for). */
async function gzipReceiver(): Promise<Running> {
  const seen: IncomingHttpHeaders[] = []
  const verifier = createVerifier({ provider: 'github', secret: GH })
  const server = createServer(async (req, res) => {
    seen.push(req.headers)
    const result = await verifier.check({ body: await readAll(req), headers: req.headers })
    const problem = result.ok
      ? { received: true }
      : { type: 'about:blank', title: 'rejected', status: result.status, code: result.code, detail: `hookproof said ${result.code}` }
    res
      .writeHead(result.ok ? 202 : result.status, { 'content-type': 'application/problem+json', 'content-encoding': 'gzip' })
      .end(gzipSync(JSON.stringify(problem)))
  })
  return listen(server, () => 0, seen)
}

const everyCase = (report: Awaited<ReturnType<typeof conformance>>) => report.cases.map((c) => [c.name, c.verdict, c.actual])

describe('conformance() judges real receivers by what a correct receiver must do', { timeout: 30_000 }, () => {
  it.each([202, 204])('a hookproof Express receiver answering %i: every case ok, handler runs counted', async (status) => {
    const app = await hookproofExpress(status)
    const report = await conformance(`${app.url}/webhooks/github`, {
      provider: 'github',
      secret: GH,
      previousSecret: GH_OLD,
      counterUrl: `${app.url}/handled`,
    })
    expect(report.cases.map((c) => c.name)).toEqual(['valid', ...(await faultsFor('github')).map((f) => f.name)])
    expect(report.cases.filter((c) => c.verdict !== 'ok').map((c) => `${c.name}: ${c.actual} ${c.note}`)).toEqual([])
    expect(report).toMatchObject({ ok: true, failed: 0, inconclusive: 0, verdict: 'ok', counted: true })
    expect(report.cases[0]?.actual).toBe(String(status))
    expect(formatReport(report)).toMatch(/all 9 cases behaved as a correct receiver should/)
  })

  it('a receiver with no duplicate handling and no counter: duplicates INCONCLUSIVE, the report not ok', async () => {
    const app = await noDuplicateHandling()
    const before = app.handled()
    const report = await conformance(`${app.url}/webhooks/github`, { provider: 'github', secret: GH })
    const verdicts = Object.fromEntries(report.cases.map((c) => [c.name, c.verdict]))
    expect(verdicts).toMatchObject({
      valid: 'ok',
      'tampered-body': 'ok',
      duplicate: 'inconclusive',
      'concurrent-duplicate': 'inconclusive',
    })
    expect(report).toMatchObject({ ok: false, failed: 0, inconclusive: 2, verdict: 'inconclusive' })
    const text = formatReport(report)
    expect(text).not.toMatch(/behaved as a correct receiver/)
    expect(text).toMatch(/^INCONCLUSIVE: no case misbehaved, but 2 of 8 could not be judged \(duplicate, concurrent-duplicate\)/m)
    // it did process each duplicate twice: exactly what the report could not see
    expect(app.handled() - before).toBe(5)
  })

  it('the same receiver with a counter URL: both duplicate cases FAIL as processed twice', async () => {
    const app = await noDuplicateHandling()
    const report = await conformance(`${app.url}/webhooks/github`, {
      provider: 'github',
      secret: GH,
      counterUrl: `${app.url}/handled`,
    })
    const dup = report.cases.filter((c) => c.name.endsWith('duplicate'))
    expect(dup.map((c) => [c.name, c.verdict, c.note, c.handlerCalls])).toEqual([
      ['duplicate', 'fail', 'processed twice', { expected: 1, actual: 2 }],
      ['concurrent-duplicate', 'fail', 'processed twice', { expected: 1, actual: 2 }],
    ])
    expect(report).toMatchObject({ ok: false, failed: 2, verdict: 'fail' })
    expect(formatReport(report)).toMatch(/^2 of 8 cases misbehaved$/m)
  })

  it('a correct receiver written with @octokit/webhooks-methods (400 for forgeries) is ok for github', async () => {
    const app = await octokitReceiver()
    const report = await conformance(`${app.url}/webhooks/github`, {
      provider: 'github',
      secret: GH,
      previousSecret: GH_OLD,
      counterUrl: `${app.url}/handled`,
    })
    expect(everyCase(report)).toEqual([
      ['valid', 'ok', '202'],
      ['tampered-body', 'ok', '400'],
      ['tampered-signature', 'ok', '400'],
      ['wrong-secret', 'ok', '400'],
      ['rotated-secret', 'ok', '202'],
      ['missing-signature', 'ok', '400'],
      ['malformed-signature', 'ok', '400'],
      ['duplicate', 'ok', '202, then 200'],
      ['concurrent-duplicate', 'ok', expect.stringMatching(/^20[02] \+ 20[02]$/)],
    ])
    expect(report.ok).toBe(true)
  })

  it('a receiver that gzips every answer still shows each code, and no Accept-Encoding asks for it', async () => {
    const app = await gzipReceiver()
    const report = await conformance(`${app.url}/webhooks/github`, {
      provider: 'github',
      secret: GH,
      cases: ['valid', 'tampered-body', 'missing-signature', 'malformed-signature'],
    })
    expect(everyCase(report)).toEqual([
      ['valid', 'ok', '202'],
      ['tampered-body', 'ok', '401 SIGNATURE_MISMATCH'],
      ['missing-signature', 'ok', '401 MISSING_SIGNATURE'],
      ['malformed-signature', 'ok', '400 MALFORMED_SIGNATURE'],
    ])
    expect(app.seen.map((h) => h['accept-encoding'])).toEqual([undefined, undefined, undefined, undefined])
  })

  it('the problem detail of a failing case is printed once', async () => {
    const app = await gzipReceiver()
    // signed with the wrong secret on our side: every accepted case is rejected with the same detail
    const report = await conformance(`${app.url}/webhooks/github`, {
      provider: 'github',
      secret: 'not-the-receivers-secret',
      cases: ['valid', 'duplicate', 'tampered-body'],
    })
    expect(report.cases.map((c) => c.verdict)).toEqual(['fail', 'fail', 'ok'])
    const details = formatReport(report)
      .split('\n')
      .filter((l) => l.startsWith('detail:'))
    expect(details).toEqual(['detail: valid, duplicate: 401 SIGNATURE_MISMATCH: hookproof said SIGNATURE_MISMATCH'])
  })
})

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr })
    })
  })
}

describe('hookproof-send against these receivers', { timeout: 30_000 }, () => {
  it('conformance against a receiver with no duplicate handling exits 3 (inconclusive), saying so', async () => {
    const app = await noDuplicateHandling()
    const r = await cli(['conformance', 'github', '--url', `${app.url}/webhooks/github`, '--secret', GH])
    expect(r.code).toBe(3)
    expect(r.stdout).toMatch(/^duplicate +.* +n\/a +INCONCLUSIVE$/m)
    expect(r.stdout).toMatch(/^INCONCLUSIVE: no case misbehaved/m)
  })

  it('with a counter URL the same run exits 1', async () => {
    const app = await noDuplicateHandling()
    const r = await cli([
      'conformance',
      'github',
      '--url',
      `${app.url}/webhooks/github`,
      '--secret',
      GH,
      '--counter-url',
      `${app.url}/handled`,
    ])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/FAIL: processed twice/)
  })

  it('--method GET and DELETE send Designer Cloud deliveries without a body, verified by a hookproof receiver', async () => {
    const seen: { method: string; length: number }[] = []
    let handled = 0
    const secret = TEST_SECRETS['designer-cloud'].current
    const app = express()
    app.use((req, _res, next) => {
      seen.push({ method: req.method, length: Number(req.headers['content-length'] ?? 0) })
      next()
    })
    app.all('/hook', verifyWebhook({ provider: 'designer-cloud', secret }), (_req, res) => {
      handled++
      res.sendStatus(204)
    })
    const running = await listen(createServer(app), () => handled)
    const get = await cli(['designer-cloud', '--url', `${running.url}/hook`, '--secret', secret, '--method', 'GET'])
    expect(get.stdout).toMatch(/every delivery got the expected answer/)
    expect(get.code).toBe(0)
    expect(seen).toEqual([{ method: 'GET', length: 0 }])
    const del = await cli(['conformance', 'designer-cloud', '--url', `${running.url}/hook`, '--secret', secret, '--method', 'delete'])
    expect(del.stdout).toMatch(/all \d+ cases behaved as a correct receiver should/)
    expect(del.code).toBe(0)
    expect(new Set(seen.slice(1).map((s) => s.method))).toEqual(new Set(['DELETE']))
  })
})
