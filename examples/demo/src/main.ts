/**
 * `npm run demo`: starts the Express and Koa example apps on free ports, runs the mock sender's
 * conformance check (the valid case and every fault) for every provider through both over real
 * HTTP, prints one table, stops the servers, and exits 1 if any case misbehaved. Then the inbox
 * part (inbox.ts): exactly-once effects on PGlite, in-process, no server.
 */
import type { Server } from 'node:http'
import { pathToFileURL } from 'node:url'
import {
  type ConformanceCase,
  type ConformanceReport,
  conformance,
  formatTable,
  MOCK_PROVIDERS,
  type MockProvider,
} from '@hookproof/mock-sender'
// relative imports: the demo runs from a fresh `npm ci` without building or linking anything
import { start as startExpress } from '../../express-app/src/app.js'
import { start as startKoa } from '../../koa-app/src/app.js'
import { type InboxDemoResult, runInboxDemo } from './inbox.js'

/** Demo secrets, current and rotated-out. Never use them anywhere real. */
export const DEMO_SECRETS: Readonly<Record<MockProvider, { current: string; previous: string }>> = {
  y42: { current: 'demo-y42-secret', previous: 'demo-y42-previous' },
  up42: { current: 'demo-up42-secret', previous: 'demo-up42-previous' },
  orchest: { current: 'demo-orchest-secret', previous: 'demo-orchest-previous' },
  'designer-cloud': { current: 'demo-designer-cloud-secret', previous: 'demo-designer-cloud-previous' },
  xplenty: { current: 'demo-xplenty-secret', previous: 'demo-xplenty-previous' },
  github: { current: 'demo-github-secret', previous: 'demo-github-previous' },
  // Standard Webhooks secrets are whsec_ + base64 of the key
  'standard-webhooks': {
    current: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    previous: 'whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX',
  },
}

type Starter = (
  port: number,
  options: {
    secrets: Record<string, string>
    previousSecrets: Record<string, string>
    log: (line: string) => void
    handlerDelayMs?: number
  },
) => Promise<{ url: string; server: Server; close(): Promise<void> }>

/** An app the demo starts: its name in the table and its `start(port, options)`. */
export interface DemoFramework {
  name: string
  start: Starter
}

/** The frameworks the demo runs through, in table order. */
export const FRAMEWORKS: readonly DemoFramework[] = [
  { name: 'express', start: startExpress as Starter },
  { name: 'koa', start: startKoa as Starter },
]

export interface DemoResult {
  /** Every case of every provider through every framework behaved. */
  ok: boolean
  reports: { framework: string; provider: MockProvider; report: ConformanceReport }[]
  /** The printed table. */
  table: string
  /** Cases run in all (each through one framework). */
  cases: number
  failed: number
  /** The inbox part, unless `inbox: false`. */
  inbox?: InboxDemoResult
}

export interface DemoOptions {
  /** Where the table goes; default `console.log`. */
  print?: (text: string) => void
  /** Providers to check; default all. */
  providers?: readonly MockProvider[]
  /** The apps' own log lines (rejections, deliveries); default dropped, they would drown the table. */
  appLog?: (line: string) => void
  /** Apps to check; default {@link FRAMEWORKS}. */
  frameworks?: readonly DemoFramework[]
  /** Run the inbox part (PGlite in-process) after the table; default true. */
  inbox?: boolean
}

/**
 * Runs the demo and returns what it found; the servers are stopped before it resolves.
 *
 * @example
 * const { ok } = await runDemo()
 * process.exitCode = ok ? 0 : 1
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const print = options.print ?? ((text: string) => console.log(text))
  const providers = options.providers ?? MOCK_PROVIDERS
  const secrets = Object.fromEntries(MOCK_PROVIDERS.map((p) => [p, DEMO_SECRETS[p].current]))
  const previousSecrets = Object.fromEntries(MOCK_PROVIDERS.map((p) => [p, DEMO_SECRETS[p].previous]))
  const started = performance.now()

  const starting = await Promise.allSettled(
    (options.frameworks ?? FRAMEWORKS).map(async (f) => ({
      framework: f.name,
      ...(await f.start(0, { secrets, previousSecrets, log: options.appLog ?? (() => {}), handlerDelayMs: 50 })),
    })),
  )
  const servers = starting.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  const notStarted = starting.find((s) => s.status === 'rejected')
  if (notStarted !== undefined) {
    await Promise.all(servers.map((s) => s.close()))
    throw notStarted.reason
  }
  try {
    print(`hookproof demo: ${servers.map((s) => `${s.framework} on ${s.url}`).join(', ')}`)
    // each (framework, provider) pair has its own route and counter filter: all run side by side
    const reports = await Promise.all(
      servers.flatMap((s) =>
        providers.map(async (provider) => ({
          framework: s.framework,
          provider,
          report: await conformance(`${s.url}/webhooks/${provider}`, {
            provider,
            secret: DEMO_SECRETS[provider].current,
            previousSecret: DEMO_SECRETS[provider].previous,
            counterUrl: `${s.url}/events/count?provider=${provider}`,
          }),
        })),
      ),
    )

    const rows: string[][] = []
    for (const provider of providers) {
      const byFramework = servers.map(
        (s) => reports.find((r) => r.provider === provider && r.framework === s.framework)?.report as ConformanceReport,
      )
      const names = byFramework[0]?.cases.map((c) => c.name) ?? []
      for (const name of names) {
        const cases = byFramework.map((r) => r.cases.find((c) => c.name === name) as ConformanceCase)
        const failed = cases
          .map((c, i) => (c.ok ? undefined : `${servers[i]?.framework}${c.note ? `: ${c.note}` : ''}`))
          .filter((x) => x !== undefined)
        rows.push([
          provider,
          name,
          cases[0]?.expected ?? '',
          ...cases.map((c) => `${c.actual}${typeof c.handlerCalls?.actual === 'number' ? ` (ran ${c.handlerCalls.actual}x)` : ''}`),
          failed.length === 0 ? 'ok' : `FAIL (${failed.join('; ')})`,
        ])
      }
    }
    const table = formatTable(['provider', 'case', 'expected', ...servers.map((s) => s.framework), 'result'], rows)
    const all = reports.flatMap((r) => r.report.cases)
    const failed = all.filter((c) => !c.ok).length
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    print(table)
    print(
      failed === 0
        ? `\n${all.length} cases (${providers.length} providers x ${servers.length} frameworks): all behaved as a correct receiver should (${seconds} s)`
        : `\n${failed} of ${all.length} cases misbehaved (${seconds} s)`,
    )
    const inbox = options.inbox === false ? undefined : await runInboxDemo(print)
    return { ok: failed === 0 && inbox?.ok !== false, reports, table, cases: all.length, failed, ...(inbox ? { inbox } : {}) }
  } finally {
    await Promise.all(
      servers.map((s) => {
        s.server.closeAllConnections?.()
        return s.close()
      }),
    )
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runDemo().then(
    (result) => {
      process.exitCode = result.ok ? 0 : 1
    },
    (error: unknown) => {
      console.error(error)
      process.exitCode = 1
    },
  )
}
