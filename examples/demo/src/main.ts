/**
 * `npm run demo`: starts the example apps (Express, Koa, Fastify, Hono, NestJS) and a Next.js app
 * (next-app, built once into node_modules/.cache) on free ports, runs the mock sender's
 * conformance check (the valid case and every fault) for every provider through each over real
 * HTTP, prints one table, stops the servers, and exits 1 if any case misbehaved. Then the inbox
 * part (inbox.ts): exactly-once effects on PGlite, in-process, no server.
 */
import type { Server } from 'node:http'
import { pathToFileURL } from 'node:url'
import { type Provider, providers } from '@hookproof/core'
import {
  type ConformanceCase,
  type ConformanceReport,
  conformance,
  FAULTS,
  formatTable,
  MOCK_PROVIDERS,
  type MockProvider,
} from '@hookproof/mock-sender'
// relative imports: the demo runs from a fresh `npm ci` without building or linking anything
import { start as startExpress } from '../../express-app/src/app.js'
import { start as startFastify } from '../../fastify-app/src/app.js'
import { start as startHono } from '../../hono-app/src/app.js'
import { start as startKoa } from '../../koa-app/src/app.js'
import { start as startNest } from '../../nestjs-app/src/app.js'
import { type InboxDemoResult, runInboxDemo } from './inbox.js'
import { startNext } from './next.js'

/**
 * Demo secrets, current and rotated-out, for every registry row: `demo-<name>-secret`, or where
 * the vendor's secrets have a form, the row's example and that example with its key reversed
 * (still well formed). Never use them anywhere real.
 */
export const DEMO_SECRETS: Readonly<Record<MockProvider, { current: string; previous: string }>> = Object.fromEntries(
  Object.entries(providers as Record<string, Provider>).map(([name, row]) => {
    const example = row.secretExample
    if (example === undefined) return [name, { current: `demo-${name}-secret`, previous: `demo-${name}-previous` }]
    const cut = example.lastIndexOf('_') + 1
    return [name, { current: example, previous: example.slice(0, cut) + [...example.slice(cut)].reverse().join('') }]
  }),
) as Record<MockProvider, { current: string; previous: string }>

type Starter = (
  port: number,
  options: {
    secrets: Record<string, string>
    previousSecrets: Record<string, string>
    log: (line: string) => void
    handlerDelayMs?: number
  },
) => Promise<{ url: string; server?: Server; close(): Promise<void> }>

/** An app the demo starts: its name in the table and its `start(port, options)`. */
export interface DemoFramework {
  name: string
  start: Starter
}

/** The frameworks the demo runs through, in table order. */
export const FRAMEWORKS: readonly DemoFramework[] = [
  { name: 'express', start: startExpress as Starter },
  { name: 'koa', start: startKoa as Starter },
  { name: 'fastify', start: startFastify as Starter },
  { name: 'hono', start: startHono as Starter },
  { name: 'nestjs', start: startNest as Starter },
  // next start in a process of its own, from a build cached in node_modules/.cache (src/next.ts)
  { name: 'next', start: startNext },
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
    print(wrap(`hookproof demo: ${servers.map((s) => `${s.framework} on ${s.url}`).join(', ')}`).join('\n'))
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

    const table = demoTable(
      providers,
      servers.map((s) => s.framework),
      (provider, framework) => reports.find((r) => r.provider === provider && r.framework === framework)?.report as ConformanceReport,
    )
    const all = reports.flatMap((r) => r.report.cases)
    const failed = all.filter((c) => c.verdict === 'fail').length
    const unsure = all.filter((c) => c.verdict === 'inconclusive').length
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    print(table)
    const scope = `${all.length} cases (${providers.length} providers x ${servers.length} frameworks)`
    print(
      failed > 0
        ? `\n${failed} of ${all.length} cases misbehaved (${seconds} s)`
        : unsure > 0
          ? `\n${scope}: none misbehaved, but ${unsure} INCONCLUSIVE (${seconds} s)`
          : `\n${scope}: all behaved as a correct receiver should (${seconds} s)`,
    )
    const inbox = options.inbox === false ? undefined : await runInboxDemo(print)
    return {
      ok: failed === 0 && unsure === 0 && inbox?.ok !== false,
      reports,
      table,
      cases: all.length,
      failed,
      ...(inbox ? { inbox } : {}),
    }
  } finally {
    await Promise.all(
      servers.map((s) => {
        s.server?.closeAllConnections?.()
        return s.close()
      }),
    )
  }
}

/** The width the demo's table keeps to, whatever the number of frameworks (up to six). */
export const TABLE_WIDTH = 100

/** Wraps `text` at `width` columns, continuation lines indented by `indent` spaces. */
function wrap(text: string, width = TABLE_WIDTH, indent = 2): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = `${' '.repeat(indent)}${word}`
    } else line = line === '' ? word : `${line} ${word}`
  }
  if (line !== '') lines.push(line)
  return lines
}

/** `2xx, then 2xx DUPLICATE_DELIVERY` as `2xx, 2xx`: the classes only, codes are in the legend. */
function shortExpected(c: ConformanceCase): string {
  return c.expected
    .split(/(, then | \+ )/)
    .map((part) => (part === ', then ' ? ', ' : part === ' + ' ? ' + ' : (part.split(' ')[0] ?? '')))
    .join('')
}

/** The statuses of a case and the handler runs: `202, 200 (ran 1x)`. */
function shortActual(c: ConformanceCase): string {
  const join = c.actual.includes(' + ') ? ' + ' : ', '
  const statuses = c.responses.map((r) => (r.status === undefined ? 'none' : String(r.status))).join(join)
  return typeof c.handlerCalls?.actual === 'number' ? `${statuses} (ran ${c.handlerCalls.actual}x)` : statuses
}

/** Why a provider runs fewer cases than another: the faults that do not apply to it, grouped by reason. */
function notRunLine(report: ConformanceReport): string | undefined {
  const byReason = new Map<string, string[]>()
  for (const f of FAULTS) {
    // neither run nor skipped: the fault does not apply to this provider's row
    if (report.cases.some((c) => c.name === f.name) || report.skipped.some((s) => s.name === f.name)) continue
    const reason = `only where ${f.appliesWhen ?? `it applies to ${report.provider}`}`
    byReason.set(reason, [...(byReason.get(reason) ?? []), f.name])
  }
  for (const s of report.skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.name])
  if (byReason.size === 0) return undefined
  return `not run: ${[...byReason].map(([reason, names]) => `${names.join(', ')} (${reason})`).join('; ')}`
}

/**
 * The demo's table: one section per provider (its case count and the faults it does not get, with
 * why), one row per case, one narrow column per framework, and a legend; at most
 * {@link TABLE_WIDTH} columns for up to six frameworks.
 *
 * @example
 * print(demoTable(['orchest'], ['express', 'koa'], (provider, framework) => reportOf(provider, framework)))
 */
export function demoTable(
  providers: readonly MockProvider[],
  frameworks: readonly string[],
  reportOf: (provider: MockProvider, framework: string) => ConformanceReport,
): string {
  const out: string[] = []
  const failures: string[] = []
  const differing: string[] = []
  for (const provider of providers) {
    const reports = frameworks.map((f) => reportOf(provider, f))
    const first = reports[0] as ConformanceReport
    out.push('', ...wrap(`${provider}: ${first.cases.length} cases`))
    const notRun = notRunLine(first)
    if (notRun !== undefined) out.push(...wrap(notRun))
    const rows = first.cases.map((c) => {
      const got = shortActual(c)
      const cells = reports.map((report, i) => {
        const mine = report.cases.find((x) => x.name === c.name)
        if (mine === undefined) return 'not run'
        if (mine.verdict !== 'ok')
          failures.push(
            `${mine.verdict.toUpperCase()} ${provider} ${c.name} (${frameworks[i]}): ${mine.actual}${mine.note ? `: ${mine.note}` : ''}`,
          )
        const verdict = mine.verdict === 'ok' ? 'ok' : mine.verdict === 'fail' ? 'FAIL' : 'INCONCL'
        const own = shortActual(mine)
        if (own === got) return verdict
        // its own answer goes under the table: six columns of "ok 200 + 409 (ran 1x)" would not fit
        differing.push(`${frameworks[i]} ${c.name}: ${own}`)
        return `${verdict}*`
      })
      return [c.name, shortExpected(c), got, ...cells]
    })
    out.push(formatTable(['case', 'expected', 'got', ...frameworks], rows))
    if (differing.length > 0) out.push(...wrap(`* answered otherwise than "got": ${differing.join('; ')}`))
    differing.length = 0
  }
  out.push(
    '',
    ...wrap(
      'expected: what a correct receiver answers: 2xx accepts, 4xx rejects (hookproof: 401, or 400 for a malformed signature); "a, b": two requests one after the other, "a + b": both at once, either order; 2xx/409: either.',
    ),
    ...wrap(
      'got: the statuses the first app answered; a framework whose answers differ is marked * and its own are listed under the table.',
    ),
    ...wrap(
      "(ran 1x): how many times the app's handler ran over the case, read from its counter URL: once for an accepted delivery and its duplicates, never for a rejected one.",
    ),
    ...wrap(
      'Providers get different cases because each fault is run only where the scheme makes it meaningful (see "not run" under each provider).',
    ),
  )
  if (failures.length > 0) out.push('', ...failures.flatMap((f) => wrap(f)))
  return out.join('\n')
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
