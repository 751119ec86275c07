// `npm run check:providers`: the registry (packages/core/src/providers/index.ts) is the only list
// of providers. Fails when a file outside the rows enumerates providers by name: an array, object,
// union type or switch with three or more provider names as its own elements, or a Markdown table
// with rows for three or more providers, outside a block generated from the registry (between
// `<!-- providers:<kind> -->` and `<!-- /providers -->`, written by `npm run docs:providers`).
// One or two names are examples, not a list: a test of one vendor may name it. A deliberate list
// (a test pinned to fixed vectors, a chosen subset) says why: `// providers-list: <reason>` (in
// Markdown `<!-- providers-list: <reason> -->`) on its line or the line above.
// It also fails when the per-provider entry points (packages/core/src/entries/<name>.ts and
// .node.ts, providers/<name>/package.json, the exports subpaths) are not what
// packages/core/scripts/provider-entries.ts writes from the registry, so a new row cannot forget them.
// Exit 0 when no file enumerates and everything generated is up to date, 1 otherwise (each finding printed as file:line).
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { PROVIDER_ALIASES, providers } from '../packages/core/src/providers/index.js'
import { regenerate } from './docs-providers.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const MIN = 3

/** Where lists of providers belong: the rows and the registry, each vendor's sender data, vectors. */
const OWNERS = [
  /^packages\/core\/src\/providers\//,
  /^packages\/mock-sender\/src\/vendors\//,
  /^packages\/core\/test\/vectors\//,
  /^\.changeset\//,
  /CHANGELOG\.md$/,
  /^scripts\/check-providers\.ts$/,
]

const names = new Map<string, string>()
for (const [key, row] of Object.entries(providers)) {
  names.set(key.toLowerCase(), key)
  names.set(row.name.toLowerCase(), key)
  names.set(row.title.toLowerCase(), key)
}
for (const [alias, key] of Object.entries(PROVIDER_ALIASES)) names.set(alias.toLowerCase(), key)
const envOwner = new Map<string, string>()
for (const [key, row] of Object.entries(providers)) if (row.envVar !== undefined) envOwner.set(row.envVar, key)
const providerOf = (text: string): string | undefined => names.get(text.trim().toLowerCase())

export interface Finding {
  file: string
  line: number
  what: string
  providers: string[]
}

function textOf(node: ts.Node): string | undefined {
  if (ts.isStringLiteralLike(node) || ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) return node.text
  if (ts.isLiteralTypeNode(node)) return textOf(node.literal)
  if (ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node) || ts.isMethodDeclaration(node)) {
    return node.name === undefined ? undefined : textOf(node.name)
  }
  if (ts.isPropertySignature(node)) return textOf(node.name)
  if (ts.isCaseClause(node)) return textOf(node.expression)
  if (ts.isComputedPropertyName(node)) return textOf(node.expression)
  return undefined
}

function elementsOf(node: ts.Node): readonly ts.Node[] | undefined {
  if (ts.isArrayLiteralExpression(node)) return node.elements
  if (ts.isObjectLiteralExpression(node)) return node.properties
  if (ts.isUnionTypeNode(node) || ts.isTupleTypeNode(node)) return ts.isUnionTypeNode(node) ? node.types : node.elements
  if (ts.isTypeLiteralNode(node) || ts.isInterfaceDeclaration(node)) return node.members
  if (ts.isCaseBlock(node)) return node.clauses
  return undefined
}

/**
 * A deliberate list says why on its line or the line above: `// providers-list: <reason>` (a
 * test pinned to fixed vectors, a chosen subset). Without a reason it is not excused.
 */
const EXCUSE = /providers-list:\s*\S/
function excused(lines: readonly string[], line: number): boolean {
  return EXCUSE.test(lines[line - 1] ?? '') || EXCUSE.test(lines[line - 2] ?? '')
}

export function scanSource(file: string, text: string): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const lines = text.split('\n')
  const found: Finding[] = []
  const visit = (node: ts.Node) => {
    const elements = elementsOf(node)
    if (elements !== undefined) {
      const named = new Set<string>()
      for (const e of elements) {
        const t = textOf(e)
        const p = t === undefined ? undefined : providerOf(t)
        if (p !== undefined) named.add(p)
      }
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1
      if (named.size >= MIN && !excused(lines, line)) {
        found.push({ file, line, what: ts.SyntaxKind[node.kind] as string, providers: [...named] })
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

const GENERATED = /<!--\s*providers:[\w-]+\s*-->[\s\S]*?<!--\s*\/providers\s*-->/g
const CODE_SPAN = /`([^`\n]+)`/g

export function scanMarkdown(file: string, text: string): Finding[] {
  const found: Finding[] = []
  // generated blocks are the registry's own output: blanked, line count kept
  const lines = text.replace(GENERATED, (block) => block.replace(/[^\n]/g, ' ')).split('\n')
  let table: { start: number; named: Set<string> } | undefined
  let fenced = false
  let paragraph: { start: number; named: Set<string> } | undefined
  const closeParagraph = () => {
    if (paragraph !== undefined && paragraph.named.size >= MIN && !excused(lines, paragraph.start)) {
      found.push({ file, line: paragraph.start, what: 'Markdown paragraph (code spans)', providers: [...paragraph.named] })
    }
    paragraph = undefined
  }
  const close = () => {
    if (table !== undefined && table.named.size >= MIN && !excused(lines, table.start)) {
      found.push({ file, line: table.start, what: 'Markdown table', providers: [...table.named] })
    }
    table = undefined
  }
  lines.forEach((line, n) => {
    if (line.trimStart().startsWith('```')) fenced = !fenced
    // prose that lists three providers or their secrets' variables in code spans is a list too
    if (fenced || line.trim() === '' || line.trimStart().startsWith('|')) closeParagraph()
    else {
      paragraph ??= { start: n + 1, named: new Set() }
      for (const [, span] of line.matchAll(CODE_SPAN)) {
        const p = providerOf(span as string) ?? envOwner.get(span as string)
        if (p !== undefined) paragraph.named.add(p)
      }
    }
    if (fenced || !line.trimStart().startsWith('|')) {
      close()
      return
    }
    table ??= { start: n + 1, named: new Set() }
    const spans = new Set<string>()
    for (const [, span] of line.matchAll(CODE_SPAN)) {
      const p = providerOf((span as string).replace(/^'|'$/g, '')) ?? envOwner.get(span as string)
      if (p !== undefined) spans.add(p)
    }
    if (spans.size >= MIN && !excused(lines, n + 1))
      found.push({ file, line: n + 1, what: 'Markdown table row (code spans)', providers: [...spans] })
    // a row names a provider when one of its cells is a provider's name or title, maybe in `code`
    for (const cell of line.split('|')) {
      const p = providerOf(cell.replace(/[`*[\]]/g, '').replace(/\(.*\)$/, ''))
      if (p !== undefined) table.named.add(p)
    }
  })
  close()
  closeParagraph()
  return found
}

export function check(files: readonly string[], read: (file: string) => string): Finding[] {
  const found: Finding[] = []
  for (const file of files) {
    if (OWNERS.some((re) => re.test(file))) continue
    if (/\.(m|c)?[jt]sx?$/.test(file) && !file.endsWith('.d.ts')) found.push(...scanSource(file, read(file)))
    else if (file.endsWith('.md')) found.push(...scanMarkdown(file, read(file)))
  }
  return found
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean)
  const found = check(files, (f) => readFileSync(join(root, f), 'utf8'))
  const stale = await regenerate(true)
  for (const f of stale) console.log(`${f}: a block generated from the registry is out of date: run npm run docs:providers`)
  for (const f of found)
    console.log(
      `${f.file}:${f.line}: ${f.what} names ${f.providers.length} providers (${f.providers.join(', ')}): iterate the registry (\`providers\` from @hookproof/core) or generate it with npm run docs:providers`,
    )
  // the generator's own --check, in a child: it imports every row file itself
  const entries = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'packages/core/scripts/provider-entries.ts'), '--check'], {
    cwd: root,
    encoding: 'utf8',
  })
  const entriesStale = entries.status !== 0
  if (entriesStale) {
    console.log(
      `${`${entries.stdout}${entries.stderr}`.trim()}: run npx tsx packages/core/scripts/provider-entries.ts (per-provider entry points)`,
    )
  }
  const files_ = new Set(found.map((f) => f.file)).size
  console.log(
    found.length === 0
      ? 'no file outside the rows enumerates providers'
      : `${found.length} enumerations of providers in ${files_} files outside the rows`,
  )
  process.exitCode = found.length === 0 && stale.length === 0 && !entriesStale ? 0 : 1
}
