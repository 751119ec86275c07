/**
 * `npm run bench` (~22 min on 2 cores) / `npm run bench:quick` (~3.5 min): every measurement, as ratios taken
 * within this one run, printed and written to bench/results/latest.json and bench/RESULTS.md.
 * Options: --quick, --only=micro,memory,http,stores,telemetry (sections); for HTTP experiments --frameworks=express,
 * --sizes=1024, --routes=hookproof (hand always runs), --rounds=6, --warmup=20 (seconds of warm-up per route,
 * before the 10k-request minimum).
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { type HttpOptions, type Route, type RouteResult, runHttp } from './http.js'
import { buildAll } from './lib/build.js'
import type { CaseResult, Spread } from './lib/measure.js'
import { fmtBytes, fmtNs, fmtRatio, spread } from './lib/measure.js'
import type { StoreRow } from './stores.js'
import type { TelemetryRow } from './telemetry.js'

const quick = process.argv.includes('--quick')
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',')
const wants = (section: string) => only === undefined || only.includes(section)
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))
const started = Date.now()
const log = (line: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`)

type Sizes = Record<string, CaseResult[]>
interface MemoryRow {
  name: string
  heap: Spread
  external: Spread
  total: Spread
  perBody: Spread
  calls: number
}

function child(args: string[], flags: string[] = []): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...flags, '--import', 'tsx', ...args, ...(quick ? ['--quick'] : [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    p.stdout.on('data', (d) => {
      out += d
    })
    p.stderr.on('data', (d) => process.stderr.write(d))
    p.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('@@result '))
      if (code !== 0 || line === undefined) reject(new Error(`${args.join(' ')} exited ${code}`))
      else resolve(JSON.parse(line.slice(9)))
    })
  })
}

function machine() {
  let commit = 'unknown'
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
  } catch {}
  const list = cpus()
  return {
    cpu: list[0]?.model ?? 'unknown',
    cores: list.length,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
    platform: `${process.platform} ${process.arch}`,
    commit,
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
  }
}

// ---------------------------------------------------------------- run
const results: Record<string, unknown> = { machine: machine() }
// hookproof as shipped (see lib/build.ts), built once for every child process; a directory
// already named in HOOKPROOF_BENCH_BUILD is used as is (to bench an edited build)
process.env.HOOKPROOF_BENCH_BUILD ||= await buildAll()
const micro: Record<string, Sizes> = {}
if (wants('micro')) {
  for (const group of ['core-node', 'core-web', 'peers', 'reject']) {
    log(`micro ${group}`)
    micro[group] = (await child([here('./micro.ts'), group])).sizes as Sizes
  }
  results.micro = micro
}
let memory: MemoryRow[] | undefined
if (wants('memory')) {
  log('memory')
  const flags = ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64']
  memory = (await child([here('./memory.ts')], flags)).results as MemoryRow[]
  results.memory = memory
}
let http: RouteResult[] | undefined
const list = (name: string) =>
  process.argv
    .find((a) => a.startsWith(`--${name}=`))
    ?.split('=')[1]
    ?.split(',')
const httpOptions: HttpOptions = {
  // quick: one round at 1 KiB only, a shorter warm-up (3k requests per route): ~3.5 min, most of it Next.js
  ...(quick ? { durationS: 1, warmupS: 1, warmupRequests: 3000, rounds: 1 } : { durationS: 1.5, warmupS: 2, rounds: 3 }),
  connections: 10,
  frameworks: list('frameworks'),
  sizes: list('sizes')?.map(Number) ?? (quick ? [1024] : undefined),
  routes: list('routes') as Route[] | undefined,
}
const rounds = list('rounds')
if (rounds) httpOptions.rounds = Number(rounds[0])
const warmup = list('warmup')
if (warmup) httpOptions.warmupS = Number(warmup[0])
if (wants('http')) {
  log(`http (${httpOptions.rounds} round(s) x ${httpOptions.durationS} s per route and size, ${httpOptions.connections} connections)`)
  http = await runHttp(httpOptions, log)
  results.http = { options: httpOptions, routes: http }
}
let stores: StoreRow[] | undefined
if (wants('stores')) {
  log('stores (memory, redis, inbox on PGlite and on a loopback postgres)')
  stores = (await child([here('./stores.ts')])).rows as StoreRow[]
  results.stores = stores
}
let telemetry: TelemetryRow[] | undefined
if (wants('telemetry')) {
  log('telemetry (OpenTelemetry off, API without SDK, SDK; one process each)')
  telemetry = []
  for (const mode of ['noop', 'sdk']) telemetry.push(...((await child([here('./telemetry.ts'), mode])).rows as TelemetryRow[]))
  results.telemetry = telemetry
}

// ---------------------------------------------------------------- targets
interface Target {
  target: string
  measured: string
  met: boolean | undefined
}
const targets: Target[] = []
const find = (group: string, size: string, name: string) => micro[group]?.[size]?.find((c) => c.name === name)
const check = (target: string, s: Spread | undefined, ok: (x: number) => boolean, fmt = fmtRatio) => {
  targets.push({ target, measured: s === undefined ? 'not measured' : fmt(s), met: s === undefined ? undefined : ok(s.median) })
}
/** Per-round ratio a/b of two cases measured in the same rounds. */
const between = (group: string, size: string, a: string, b: string): Spread | undefined => {
  const x = find(group, size, a)
  const y = find(group, size, b)
  if (x === undefined || y === undefined) return undefined
  return spread(x.ratio.values.map((v, i) => v / (y.ratio.values[i] as number)))
}
if (micro['core-node']) {
  check(
    'core verify (node:crypto, parse:false) <= 1.15x floor at 256 B',
    find('core-node', '256 B', 'hookproof node parse:false')?.ratio,
    (x) => x <= 1.15,
  )
  check(
    'core verify (node:crypto, parse:false) <= 1.10x awaited floor at 256 B',
    between('core-node', '256 B', 'hookproof node parse:false', 'floor (awaited)'),
    (x) => x <= 1.1,
  )
  check(
    'core verify (node:crypto, parse:false) <= 1.02x floor at 1 MiB',
    find('core-node', '1 MiB', 'hookproof node parse:false')?.ratio,
    (x) => x <= 1.02,
  )
  check(
    'core verify (node:crypto, parse:false) <= 1.02x awaited floor at 1 MiB',
    between('core-node', '1 MiB', 'hookproof node parse:false', 'floor (awaited)'),
    (x) => x <= 1.02,
  )
  const before = process.env.HOOKPROOF_BENCH_BASELINE
  if (before) {
    for (const size of ['256 B', '1 MiB']) {
      check(
        `core verify (node:crypto, parse:false) no slower than at ${before}, ${size} (now/then <= 1.02)`,
        between('core-node', size, 'hookproof node parse:false', `hookproof node parse:false at ${before}`),
        (x) => x <= 1.02,
      )
    }
  }
}
if (micro.peers) {
  const pairs: Array<[string, string]> = [
    ['hookproof stripe-like (JSON parse)', 'stripe constructEventAsync'],
    ['hookproof standard-webhooks (JSON parse)', 'standardwebhooks verify'],
    ['hookproof standard-webhooks (JSON parse)', 'svix verify'],
    ['hookproof github parse:false', 'octokit verify (decode + verify)'],
  ]
  for (const [hp, peer] of pairs) {
    for (const size of Object.keys(micro.peers)) {
      check(`${hp} faster than ${peer} at ${size} (hookproof/peer < 1)`, between('peers', size, hp, peer), (x) => x < 1)
    }
  }
}
if (memory) {
  for (const name of ['hookproof node parse:false', 'hookproof web parse:false']) {
    const row = memory.find((r) => r.name === name)
    check(
      `allocation per 1 MiB verification, ${name} <= 0.1x body`,
      row?.perBody,
      (x) => x <= 0.1,
      (s) => `${s.median.toFixed(3)}x (${fmtBytes(s.median * 1024 * 1024)})`,
    )
  }
}
if (micro.reject) {
  check(
    'rejection via check() (wrong signature) <= 1.2x floor at 256 B',
    find('reject', '256 B', 'hookproof check() wrong signature, parse:false')?.ratio,
    (x) => x <= 1.2,
  )
}
if (http) {
  for (const row of http.filter((r) => r.route === 'hookproof')) {
    const name = `${row.framework} middleware at ${row.size}`
    if (row.skipped) {
      targets.push({ target: `${name} >= 0.95x hand-written req/s`, measured: `skipped: ${row.skipped}`, met: undefined })
      continue
    }
    check(`${name} >= 0.95x hand-written req/s`, row.rpsVsHand, (x) => x >= 0.95)
    check(`${name} p99 within 10% of hand-written`, row.p99VsHand, (x) => x <= 1.1)
  }
}
results.targets = targets

// every full run appends its targets to results/history.jsonl: the report shows the last runs
// side by side, so the spread from one run to the next is in view, not only within a run
interface HistoryLine {
  date: string
  commit: string
  targets: Target[]
}
const historyFile = here('./results/history.jsonl')
const history: HistoryLine[] = existsSync(historyFile)
  ? readFileSync(historyFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as HistoryLine)
  : []
const isFull = !quick && only === undefined
if (isFull)
  history.push({ date: (results.machine as { date: string }).date, commit: (results.machine as { commit: string }).commit, targets })

// ---------------------------------------------------------------- report
const lines: string[] = []
const m = results.machine as ReturnType<typeof machine>
lines.push('# hookproof benchmark results', '')
lines.push(
  `${m.mode} run, ${m.date}, commit ${m.commit}. Machine: ${m.cpu} (${m.cores} cores, ${m.memory}), Node ${m.node} (V8 ${m.v8}, OpenSSL ${m.openssl}), ${m.platform}.`,
)
lines.push(
  '',
  'Ratios are medians over rounds, each round timing every contender back to back; the range in parentheses is the spread (min-max) over rounds. Lower is better for times and ratios to the floor. See bench/README.md for what each row measures.',
  '',
)

lines.push('## Targets', '', '| target | measured | met |', '| --- | --- | --- |')
for (const t of targets) lines.push(`| ${t.target} | ${t.measured} | ${t.met === undefined ? 'n/a' : t.met ? 'yes' : '**no**'} |`)
const recent = history.slice(-5)
if (isFull && recent.length > 1) {
  lines.push(
    '',
    '## Run to run',
    '',
    `Target medians of the last ${recent.length} full runs on this machine (the newest is this one); "!" marks a miss.`,
    '',
  )
  lines.push(`| target | ${recent.map((h) => `${h.date.slice(5, 16).replace('T', ' ')} ${h.commit}`).join(' | ')} |`)
  lines.push(`| --- |${recent.map(() => ' --- |').join('')}`)
  for (const t of targets) {
    const cells = recent.map((h) => {
      const old = h.targets.find((x) => x.target === t.target)
      return old === undefined ? '' : `${old.measured.split(' ')[0]}${old.met === false ? ' !' : ''}`
    })
    lines.push(`| ${t.target} | ${cells.join(' | ')} |`)
  }
}

const microTable = (title: string, group: string, note: string) => {
  const sizes = micro[group]
  if (!sizes) return
  lines.push('', `## ${title}`, '', note, '')
  const names = sizes[Object.keys(sizes)[0] as string]?.map((c) => c.name) ?? []
  lines.push(
    `| contender | ${Object.keys(sizes).join(' | ')} |`,
    `| --- |${Object.keys(sizes)
      .map(() => ' --- |')
      .join('')}`,
  )
  for (const name of names) {
    const cells = Object.values(sizes).map((cases) => {
      const c = cases.find((x) => x.name === name)
      return c === undefined ? '' : `${fmtRatio(c.ratio)}<br>${fmtNs(c.ns.median)}`
    })
    lines.push(`| ${name} | ${cells.join(' | ')} |`)
  }
}
microTable(
  'Core verify vs the floor (node:crypto backend)',
  'core-node',
  'Scheme: GitHub (`X-Hub-Signature-256: sha256=<hex>` over the body). Floor = `createHmac(\'sha256\', secret)` + hex decode of the header + `timingSafeEqual`, nothing else. Each cell: ratio to the floor, then median time per verification. The **parse:false** row is the one the target compares (the floor does not parse); the default row also JSON-parses the body and compares fairly with "floor + JSON.parse".',
)
microTable(
  'Core verify vs the floor (Web Crypto backend)',
  'core-web',
  'Same bytes, hookproof\'s Web Crypto entry (what Workers, Deno, Bun and browsers run). "floor Web Crypto" is a bare `crypto.subtle.sign` with a key imported once: Web Crypto\'s own cost over node:crypto shows there, not in hookproof.',
)
microTable(
  'Peers, each on its own scheme, same bytes',
  'peers',
  'Ratios to the same node:crypto floor. Pairs: stripe vs the Stripe-like row defined with `defineProvider` (headers made by `stripe.webhooks.generateTestHeaderString`, so both check the same bytes); standardwebhooks and svix vs hookproof `standard-webhooks` (headers signed by standardwebhooks); octokit vs hookproof `github` parse:false (octokit only accepts a string: "decode + verify" includes turning the received bytes into one, "string given" does not). stripe, standardwebhooks and svix return the parsed JSON, so they are paired with hookproof\'s default (JSON parse).',
)
if (micro.peers) {
  lines.push(
    '',
    'hookproof / peer, per round (below 1: hookproof is faster):',
    '',
    `| pair | ${Object.keys(micro.peers).join(' | ')} |`,
    `| --- |${Object.keys(micro.peers)
      .map(() => ' --- |')
      .join('')}`,
  )
  for (const [hp, peer] of [
    ['hookproof stripe-like (JSON parse)', 'stripe constructEventAsync'],
    ['hookproof standard-webhooks (JSON parse)', 'standardwebhooks verify'],
    ['hookproof standard-webhooks (JSON parse)', 'svix verify'],
    ['hookproof github parse:false', 'octokit verify (decode + verify)'],
    ['hookproof github parse:false', 'octokit verify (string given)'],
  ] as const) {
    const cells = Object.keys(micro.peers).map((size) => {
      const s = between('peers', size, hp, peer)
      return s === undefined ? '' : fmtRatio(s)
    })
    lines.push(`| ${hp} / ${peer} | ${cells.join(' | ')} |`)
  }
}
microTable(
  'Rejection cost at 256 B',
  'reject',
  'A well-formed but wrong signature (SIGNATURE_MISMATCH). `check()` builds no Error; `verify()` throws one; "a thrown Error alone" is the cost of `throw new Error()` + catch with nothing else.',
)

if (memory) {
  lines.push('', '## Memory per 1 MiB verification', '')
  lines.push(
    'Bytes allocated per call beyond the 1 MiB body (which exists before the call): V8 heap (strings, parsed objects) and external (Buffers, ArrayBuffers), measured in a `--expose-gc` child over windows without any collection. "x body" = total / 1 MiB; the target is for parse:false (the default also builds the parsed payload, which is what the caller asked for).',
    '',
  )
  lines.push('| contender | heap | external | total | x body |', '| --- | --- | --- | --- | --- |')
  for (const r of memory) {
    lines.push(
      `| ${r.name} | ${fmtBytes(r.heap.median)} | ${fmtBytes(r.external.median)} | ${fmtBytes(r.total.median)} | ${r.perBody.median.toFixed(3)}x (${r.perBody.min.toFixed(3)}-${r.perBody.max.toFixed(3)}) |`,
    )
  }
}

if (http) {
  lines.push('', '## HTTP (autocannon, 127.0.0.1)', '')
  lines.push(
    `${httpOptions.connections} connections, ${httpOptions.rounds} round(s) of ${httpOptions.durationS} s per route and body size after a warm-up of ${httpOptions.warmupS} s and at least ${httpOptions.warmupRequests ?? 10_000} requests per route (at most 30 s); server in its own process. Routes: **bare** = raw body read, no verification; **hand** = raw body + createHmac + timingSafeEqual + JSON.parse written by hand (\`express.raw()\` / raw-body for Koa); **hand-middleware** = the hand check where the adapter sits (a Hono middleware, a Nest guard, a Koa middleware calling next; skipped where hand already is one); **hookproof** = the middleware with \`replayStore: false\`; **hookproof-store** = with a \`MemoryReplayStore\`; every request is a new delivery (its own body, MAC and id), so the store claims each one. Each contender runs between two hand runs; its ratio is to their geometric mean. The hand row's ratios are each hand run over the one before it (A/A): the noise of the instrument, to read the others against.`,
    '',
  )
  lines.push(
    '| framework | body | route | req/s | p50 | p99 | server CPU/req | req/s vs hand | p99 vs hand | CPU/req vs hand |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  )
  for (const r of http) {
    if (r.skipped) {
      lines.push(`| ${r.framework} | ${r.size} | ${r.route} | skipped: ${r.skipped} | | | | | | |`)
      continue
    }
    // every request is a new delivery: a handler that ran for fewer (a store answering duplicates) is a broken measurement
    const dropped = r.route !== 'bare' && r.rounds.some((x) => x.handled < x.latencies * 0.98)
    const bad = r.rounds.some((x) => x.non2xx > 0 || x.errors > 0) ? ' (non-2xx or errors!)' : dropped ? ' (handler skipped requests!)' : ''
    lines.push(
      `| ${r.framework} | ${r.size} | ${r.route} | ${Math.round(r.rps.median)}${bad} | ${r.p50.median.toFixed(2)} ms | ${r.p99.median.toFixed(2)} ms | ${r.cpuPerRequest.median.toFixed(1)} µs | ${r.rpsVsHand ? fmtRatio(r.rpsVsHand) : ''} | ${r.p99VsHand ? fmtRatio(r.p99VsHand) : ''} | ${r.cpuVsHand ? fmtRatio(r.cpuVsHand) : ''} |`,
    )
  }
}
if (stores) {
  lines.push('', '## Dedup per delivery: leases and the inbox', '')
  lines.push(
    'One delivery after another on one connection (latency). Leases: `begin` + `complete`. Inbox: `has` (the adapters\' cheap read) + `run` with one effect INSERT; "INSERT alone" is the same statement in autocommit on the same client, so "inbox overhead" is what recording the delivery in the transaction adds to the write the handler does anyway. The test server runs with fsync off.',
    '',
  )
  lines.push('| store | per delivery | range over rounds | INSERT alone | inbox overhead |', '| --- | --- | --- | --- | --- |')
  for (const r of stores) {
    if (r.skipped) {
      lines.push(`| ${r.name} | skipped: ${r.skipped} | | | |`)
      continue
    }
    const base = r.baselineUs === undefined ? '' : `${r.baselineUs.toFixed(0)} µs`
    const over = r.baselineUs === undefined ? '' : `+${(r.us - r.baselineUs).toFixed(0)} µs`
    lines.push(`| ${r.name} | ${r.us.toFixed(1)} µs | ${r.min.toFixed(1)}-${r.max.toFixed(1)} µs | ${base} | ${over} |`)
  }
}
if (telemetry) {
  lines.push('', '## OpenTelemetry per delivery (adapter flow, in process, 1 KiB GitHub, no store)', '')
  lines.push(
    "Each mode in its own process against `telemetry: false` in that process (an SDK's AsyncLocalStorage slows every promise of its process). Without `@opentelemetry/api` installed the flow takes the `telemetry: false` branch.",
    '',
  )
  lines.push('| case | per delivery | vs off in the same process | range |', '| --- | --- | --- | --- |')
  for (const r of telemetry)
    lines.push(`| ${r.name} | ${fmtNs(r.ns)} | ${r.ratio.toFixed(2)}x | ${r.min.toFixed(2)}-${r.max.toFixed(2)}x |`)
}
lines.push('', `Total bench time: ${((Date.now() - started) / 1000).toFixed(0)} s.`, '')

const markdown = lines.join('\n')
console.log(`\n${markdown}`)
mkdirSync(here('./results'), { recursive: true })
// the committed report comes from full runs only; quick and partial runs leave it alone
const name = only !== undefined ? 'partial' : quick ? 'quick' : 'latest'
writeFileSync(here(`./results/${name}.json`), `${JSON.stringify(results, null, 2)}\n`)
if (name === 'latest') {
  writeFileSync(here('./RESULTS.md'), markdown)
  writeFileSync(historyFile, history.map((h) => `${JSON.stringify(h)}\n`).join(''))
} else writeFileSync(here(`./results/${name}.md`), markdown)
log(name === 'latest' ? 'wrote bench/results/latest.json and bench/RESULTS.md' : `wrote bench/results/${name}.json and .md`)
