import type { ReplayStore } from '@hookproof/core'
import { MOCK_PROVIDERS } from '@hookproof/mock-sender'
import { describe, expect, it } from 'vitest'
import { start as startExpress } from '../../express-app/src/app.js'
import { type DemoFramework, FRAMEWORKS, runDemo } from '../src/main.js'

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
    // 7 providers x 2 frameworks; valid + applicable faults, rotated-secret included (previous secrets are set)
    expect(result.reports.map((r) => `${r.framework}/${r.provider}`).sort()).toEqual(
      FRAMEWORKS.flatMap((f) => MOCK_PROVIDERS.map((p) => `${f.name}/${p}`)).sort(),
    )
    expect(result.cases).toBe(136)
    for (const r of result.reports) {
      expect(r.report.skipped).toEqual([])
      expect(r.report.counted).toBe(true)
    }
    const out = printed.join('\n')
    expect(out).toMatch(/^provider +case +expected +express +koa +result$/m)
    expect(out).toMatch(
      /^orchest +reserialized-body +401 SIGNATURE_MISMATCH +401 SIGNATURE_MISMATCH \(ran 0x\) +401 SIGNATURE_MISMATCH \(ran 0x\) +ok$/m,
    )
    expect(out).toMatch(/^up42 +stale-timestamp +401 TIMESTAMP_TOO_OLD .* ok$/m)
    expect(out).toMatch(/136 cases \(7 providers x 2 frameworks\): all behaved as a correct receiver should/)
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
    expect(printed.join('\n')).toMatch(/^orchest +duplicate .* FAIL \(express: processed twice\)$/m)
    expect(printed.join('\n')).toMatch(/2 of 10 cases misbehaved/)
  })
})
