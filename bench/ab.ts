/**
 * `HOOKPROOF_BENCH_BASELINE=<rev> node --import tsx bench/ab.ts`: core's node entry now against
 * the same entry at <rev>, and both against the awaited floor, on a GitHub delivery of 256 B and
 * 1 MiB. Thirty interleaved blocks each, and the fastest block counts: on a shared 2-core VM the
 * median of a few rounds swings by ±30% at 256 B; the minimum of many short blocks (what the
 * CPU-bound code costs when nothing interrupts it) is steadier, though still a few percent apart
 * from run to run at 256 B (now/then 0.94-1.05 over five runs at the hardening of issue #13).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { buildAll, load, loadBaseline } from './lib/build.js'
import { type Api, lower, SECRET } from './lib/fixtures.js'

const revision = process.env.HOOKPROOF_BENCH_BASELINE
if (!revision) throw new Error('set HOOKPROOF_BENCH_BASELINE to the git revision to compare with')
process.env.HOOKPROOF_BENCH_BUILD ||= await buildAll()
const now = (await load<Api>('core-node')) as Api
const then = (await loadBaseline<Api>()) as Api

for (const size of [256, 1024 * 1024]) {
  const body = Buffer.alloc(size, 'a')
  const headers: Record<string, string> = {
    ...lower(await now.sign('github', { secret: SECRET, body, id: 'ab', event: 'push' })),
    'content-type': 'application/json',
  }
  const signature = headers['x-hub-signature-256'] as string
  const current = now.createVerifier({ provider: 'github', secret: SECRET, parse: false })
  const before = then.createVerifier({ provider: 'github', secret: SECRET, parse: false })
  const cases: Record<string, () => Promise<unknown>> = {
    'floor (awaited)': async () => {
      const expected = Buffer.from(signature.slice(7), 'hex')
      const mac = createHmac('sha256', SECRET).update(body).digest()
      return expected.length === mac.length && timingSafeEqual(mac, expected)
    },
    now: () => current.check({ body, headers }),
    [revision]: () => before.check({ body, headers }),
  }
  const calls = size > 1024 ? 40 : 20_000
  const best: Record<string, number> = {}
  for (let block = 0; block < 30; block++) {
    for (const [name, fn] of Object.entries(cases)) {
      const start = process.hrtime.bigint()
      for (let i = 0; i < calls; i++) await fn()
      best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, Number(process.hrtime.bigint() - start) / calls)
    }
  }
  const floor = best['floor (awaited)'] as number
  const ratio = (a: string, b: number) => ((best[a] as number) / b).toFixed(3)
  console.log(
    `${size === 256 ? '256 B' : '1 MiB'}: now ${ratio('now', best[revision] as number)}x ${revision}; ` +
      `now ${ratio('now', floor)}x and ${revision} ${ratio(revision, floor)}x the awaited floor ` +
      `(${Object.entries(best)
        .map(([k, v]) => `${k} ${v.toFixed(0)} ns`)
        .join(', ')})`,
  )
}
