// `npm run docs:providers`: rewrites every block of the READMEs generated from the provider
// registry, between `<!-- providers:<kind> -->` and `<!-- /providers -->`. Kinds: `table` (the
// providers table), `events` (typed events), `dedup` (dedup keys and TTLs), `env` (the secrets'
// environment variables, inline), `names` (the provider names, inline), `aliases` (the vendor names accepted as aliases, inline). Each row's prose comes
// from the `about` export of its file in packages/core/src/providers/. `npm run check:providers`
// fails when a block is out of date. `--check` prints the stale files instead of writing.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { ProviderAbout } from '../packages/core/src/about.js'
import type { Provider } from '../packages/core/src/provider.js'
import { PROVIDER_ALIASES, providers } from '../packages/core/src/providers/index.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const rowsDir = join(root, 'packages/core/src/providers')

export interface Described {
  readonly row: Provider
  readonly about: ProviderAbout
}

/** Every registry row with the `about` of its file; a row without one fails loudly. */
export async function described(): Promise<Described[]> {
  const abouts = new Map<string, ProviderAbout>()
  for (const file of readdirSync(rowsDir).filter((f) => f.endsWith('.ts') && f !== 'index.ts')) {
    const module = (await import(pathToFileURL(join(rowsDir, file)).href)) as Record<string, unknown>
    const about = module.about as ProviderAbout | undefined
    if (about === undefined) continue
    for (const value of Object.values(module)) {
      const name = (value as Partial<Provider> | null)?.name
      if (typeof name === 'string' && typeof (value as Provider).parse === 'function') abouts.set(name, about)
    }
  }
  return Object.values(providers as Record<string, Provider>).map((row) => {
    const about = abouts.get(row.name)
    if (about === undefined) throw new Error(`packages/core/src/providers: the row "${row.name}" has no \`about\` export`)
    return { row, about }
  })
}

const code = (s: string) => `\`${s}\``
const days = (seconds: number) => {
  const d = seconds / 86_400
  return Number.isInteger(d) ? `${d} day${d === 1 ? '' : 's'}` : `${Math.round(seconds / 3600)} h`
}
const canonical = (h: string) => h.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase())
const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
const inline = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`)

export function render(kind: string, rows: readonly Described[]): string {
  switch (kind) {
    case 'table':
      return table(
        ['provider', 'signature header', 'value', 'signed bytes', 'timestamp', 'dedup key', 'default replay TTL', 'secret from'],
        rows.map(({ row, about }) => [
          code(row.name),
          row.signatureHeaders.map((h) => code(canonical(h))).join(', '),
          about.value,
          about.signed,
          about.timestamp,
          about.dedupKey,
          days(row.replayTtlSeconds),
          row.envVar === undefined ? '' : code(row.envVar),
        ]),
      )
    case 'events':
      return table(
        ['provider', 'event names', 'payload type', 'routed on'],
        rows.flatMap(({ row, about }) =>
          about.events === undefined ? [] : [[code(row.name), about.events.names, about.events.payload, about.events.routedOn]],
        ),
      )
    case 'dedup':
      return table(
        ['provider', 'dedup key', "sender's retries", 'TTL (default)', 'why'],
        rows.map(({ row, about }) => [row.title, about.dedupKey, about.retries, `**${days(row.replayTtlSeconds)}**`, about.ttlWhy]),
      )
    case 'env':
      return inline(rows.flatMap(({ row }) => (row.envVar === undefined ? [] : [code(row.envVar)])))
    case 'names':
      return inline(rows.map(({ row }) => code(row.name)))
    case 'aliases': {
      const by = new Map<string, string[]>()
      for (const [alias, name] of Object.entries(PROVIDER_ALIASES)) by.set(name, [...(by.get(name) ?? []), code(`'${alias}'`)])
      return [...by].map(([name, aliases]) => `${aliases.join(', ')} → ${code(name)}`).join('; ')
    }
    default:
      throw new Error(`unknown generated block <!-- providers:${kind} -->: use table, events, dedup, env, names or aliases`)
  }
}

const BLOCK = /<!--\s*providers:([\w-]+)\s*-->([\s\S]*?)<!--\s*\/providers\s*-->/g

/** The text with every generated block rewritten. */
export function update(text: string, rows: readonly Described[]): string {
  return text.replace(BLOCK, (_all, kind: string, body: string) => {
    const out = render(kind, rows)
    // a block that started on its own line stays a block; one inside a sentence stays inline
    return body.startsWith('\n')
      ? `<!-- providers:${kind} -->\n${out}\n<!-- /providers -->`
      : `<!-- providers:${kind} -->${out}<!-- /providers -->`
  })
}

export function markdownFiles(): string[] {
  return execFileSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '' && !f.startsWith('.changeset/') && !f.endsWith('CHANGELOG.md'))
}

/** Files whose generated blocks differ from the registry, after writing them unless `check`. */
export async function regenerate(check: boolean): Promise<string[]> {
  const rows = await described()
  const stale: string[] = []
  for (const file of markdownFiles()) {
    const text = readFileSync(join(root, file), 'utf8')
    const next = update(text, rows)
    if (next === text) continue
    stale.push(file)
    if (!check) writeFileSync(join(root, file), next)
  }
  return stale
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check')
  const stale = await regenerate(check)
  for (const f of stale) console.log(`${f}: ${check ? 'generated blocks out of date (npm run docs:providers)' : 'rewritten'}`)
  if (check && stale.length > 0) process.exitCode = 1
}
