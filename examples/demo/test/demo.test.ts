import type { ReplayStore } from '@hookproof/core'
import { MOCK_PROVIDERS } from '@hookproof/mock-sender'
import { describe, expect, it } from 'vitest'
import { start as startExpress } from '../../express-app/src/app.js'
import { type DemoFramework, demoTable, FRAMEWORKS, runDemo, TABLE_WIDTH } from '../src/main.js'

describe('npm run demo', () => {
  it('runs every provider through Express and Koa over HTTP and every case behaves', async () => {
    const printed: string[] = []
    const result = await runDemo({ print: (t) => printed.push(t) })
    const failures = result.reports.flatMap((r) =>
      r.report.cases.filter((c) => !c.ok).map((c) => `${r.framework} ${r.provider} ${c.name}: ${c.actual} ${c.note ?? ''}`),
    )
    expect(failures).toEqual([])
    expect(result.ok).toBe(true)
    expect(result.failed).toBe(0)
    // every registry provider x every framework; valid + applicable faults, rotated-secret included (previous secrets are set)
    expect(result.reports.map((r) => `${r.framework}/${r.provider}`).sort()).toEqual(
      FRAMEWORKS.flatMap((f) => MOCK_PROVIDERS.map((p) => `${f.name}/${p}`)).sort(),
    )
    // 68 cases per framework for the first seven providers: each one's valid case and its
    // applicable faults; a row added later runs at least its valid case and the signature faults
    // providers-list: the seven the fixed count of 68 was taken from
    const seven = ['y42', 'up42', 'orchest', 'designer-cloud', 'xplenty', 'github', 'standard-webhooks']
    for (const f of FRAMEWORKS) {
      const reports = result.reports.filter((r) => r.framework === f.name)
      expect(reports.filter((r) => seven.includes(r.provider)).reduce((n, r) => n + r.report.cases.length, 0)).toBe(68)
      for (const r of reports) expect(r.report.cases.length, `${f.name}/${r.provider}`).toBeGreaterThanOrEqual(6)
    }
    expect(result.cases).toBe(result.reports.reduce((n, r) => n + r.report.cases.length, 0))
    for (const r of result.reports) {
      expect(r.report.skipped).toEqual([])
      expect(r.report.counted).toBe(true)
    }
    const out = printed.join('\n')
    const names = FRAMEWORKS.map((f) => f.name).join(' +')
    expect(out).toMatch(new RegExp(`^case +expected +got +${names}$`, 'm'))
    const oks = FRAMEWORKS.map(() => 'ok').join(' +')
    expect(out).toMatch(new RegExp(`^reserialized-body +4xx +401 \\(ran 0x\\) +${oks}$`, 'm'))
    expect(out).toMatch(new RegExp(`^duplicate +2xx, 2xx +200, 200 \\(ran 1x\\) +${oks}$`, 'm'))
    // why providers get different cases, under each provider
    expect(out).toMatch(/^orchest: 10 cases\nnot run: stale-timestamp, future-timestamp \(only where the scheme signs a timestamp\)$/m)
    expect(out).toMatch(
      /^xplenty: 7 cases\nnot run: [\s\S]*?duplicate,\s+concurrent-duplicate\s+\(only\s+where\s+a\s+delivery\s+can\s+be\s+told/m,
    )
    expect(out).toMatch(/\(ran 1x\): how many times the app's handler ran over the case/)
    for (const line of out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(TABLE_WIDTH)
    expect(out).toMatch(
      new RegExp(
        `${result.cases} cases \\(${MOCK_PROVIDERS.length} providers x ${FRAMEWORKS.length} frameworks\\): all behaved as a correct receiver should`,
      ),
    )
    // six frameworks (the adapters to come) still fit: the same reports under six names
    const six = ['express', 'koa', 'fastify', 'next', 'nestjs', 'hono']
    const wide = demoTable(MOCK_PROVIDERS, six, (provider, framework) => {
      const from = result.reports.filter((r) => r.provider === provider)
      return (from[six.indexOf(framework) % from.length] as (typeof from)[number]).report
    })
    expect(wide).toMatch(/^case +expected +got +express +koa +fastify +next +nestjs +hono$/m)
    expect(wide.split('\n').filter((l) => l.length > TABLE_WIDTH)).toEqual([])
    // a framework that answered otherwise is marked * and its answer listed under the table, so six still fit
    const github = result.reports.find((r) => r.provider === 'github')?.report as (typeof result.reports)[number]['report']
    const other = JSON.parse(JSON.stringify(github)) as typeof github
    const dup = other.cases.find((c) => c.name === 'duplicate') as (typeof other.cases)[number]
    dup.responses = dup.responses.map((r, i) => (i === 1 ? { ...r, status: 409 } : r))
    const marked = demoTable(['github'], six, (_provider, framework) => (framework === 'next' ? other : github))
    expect(marked).toMatch(/^duplicate +2xx, 2xx +200, 200 \(ran 1x\) +ok +ok +ok +ok\* +ok +ok$/m)
    expect(marked).toMatch(/^\* answered otherwise than "got": next duplicate: 200, 409 \(ran 1x\)$/m)
    expect(marked.split('\n').filter((l) => l.length > TABLE_WIDTH)).toEqual([])
    // the inbox part: PGlite in-process, one effect row per delivery in every case
    expect(result.inbox).toMatchObject({ ok: true, cases: 4, failed: 0 })
    expect(out).toMatch(/^delivered, then a copy to the other receiver +204, copy 200 +1 +ok$/m)
    expect(out).toMatch(/^handler fails after its commit; sender retries +500 200 +1 +ok$/m)
    expect(out).toMatch(/^handler fails inside the transaction; retried +500 204 +1 +ok$/m)
    expect(out).toMatch(/4 inbox cases: one effect row per delivery/)
  })

  it('reports a receiver that processes duplicates twice, and is not ok', async () => {
    // the Express app with a replay store that has forgotten everything: every delivery looks new
    const amnesiac: ReplayStore = {
      begin: async () => 'new',
      complete: async () => {},
      abort: async () => {},
    }
    const broken: DemoFramework = {
      name: 'express',
      start: (port, options) => startExpress(port, { ...options, replayStore: amnesiac }),
    }
    const printed: string[] = []
    const result = await runDemo({ print: (t) => printed.push(t), providers: ['orchest'], frameworks: [broken], inbox: false })
    expect(result.ok).toBe(false)
    const bad = result.reports[0]?.report.cases.filter((c) => !c.ok).map((c) => [c.name, c.note])
    expect(bad).toEqual([
      ['duplicate', 'processed twice'],
      ['concurrent-duplicate', 'processed twice'],
    ])
    expect(printed.join('\n')).toMatch(/^duplicate +2xx, 2xx +200, 200 \(ran 2x\) +FAIL$/m)
    expect(printed.join('\n')).toMatch(/^FAIL orchest duplicate \(express\): 200, then 200: processed twice$/m)
    expect(printed.join('\n')).toMatch(/2 of 10 cases misbehaved/)
  })
})
