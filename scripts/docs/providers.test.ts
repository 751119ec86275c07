// The registry is the only list: the checker that finds hand-written lists of providers, and the
// generated README blocks (scripts/check-providers.ts, scripts/docs-providers.ts).
import { describe, expect, it } from 'vitest'
import { providers } from '../../packages/core/src/providers/index.js'
import { check, scanMarkdown, scanSource } from '../check-providers.js'
import { described, regenerate, render, update } from '../docs-providers.js'

describe('check:providers finds lists of providers outside the rows', () => {
  it('flags an array, an object, a union type and a switch naming three providers', () => {
    const found = scanSource(
      'x.ts',
      [
        "const a = ['y42', 'up42', 'orchest']",
        "const b = { y42: 1, github: 2, 'standard-webhooks': 3 }",
        "type C = 'xplenty' | 'designer-cloud' | 'trifacta' | 'orchest'",
        "switch (p) { case 'y42': case 'up42': case 'github': break }",
      ].join('\n'),
    )
    expect(found.map((f) => [f.line, f.what])).toEqual([
      [1, 'ArrayLiteralExpression'],
      [2, 'ObjectLiteralExpression'],
      [3, 'UnionType'],
      [4, 'CaseBlock'],
    ])
    // an alias counts as its provider: trifacta is designer-cloud
    // providers-list: the three the union above names
    expect(found[2]?.providers.sort()).toEqual(['designer-cloud', 'orchest', 'xplenty'])
  })

  it('excuses a list that says why, not one that only says it is a list', () => {
    const list = "['y42', 'up42', 'orchest']"
    expect(scanSource('x.ts', `// providers-list: pinned to the fixed vectors\nconst a = ${list}`)).toEqual([])
    expect(scanSource('x.ts', `const a = ${list} // providers-list: a chosen subset`)).toEqual([])
    expect(scanSource('x.ts', `// providers-list:\nconst a = ${list}`)).toHaveLength(1)
  })

  it('lets one or two names through: a test of one vendor may name it', () => {
    expect(scanSource('x.ts', "const a = ['y42', 'up42', 'acme']; const b = { orchest: 1, github: 2 }")).toEqual([])
    expect(scanSource('x.ts', "const a = ['y42', 'y42', 'Y42']")).toEqual([])
  })

  it('flags a Markdown table, a table row and a paragraph listing three providers, not a generated block', () => {
    const md = [
      '| provider | x |',
      '| --- | --- |',
      '| `orchest` | a |',
      '| UP42 | b |',
      '| GitHub | c |',
      '',
      'Secrets: `Y42_WEBHOOK_SECRET`, `ORCHEST_WEBHOOK_SECRET`',
      'and `GITHUB_WEBHOOK_SECRET`.',
      '',
      '| option | values |',
      '| --- | --- |',
      "| provider | `'y42'`, `'xplenty'`, `'svix'` |",
      '',
      '<!-- providers:table -->',
      '| `y42` | | `up42` | | `github` |',
      '<!-- /providers -->',
      'Reads <!-- providers:env -->`Y42_WEBHOOK_SECRET`, `UP42_WEBHOOK_SECRET`, `GITHUB_WEBHOOK_SECRET`<!-- /providers -->.',
      '```ts',
      "const a = '`y42` `up42` `github`'",
      '```',
    ].join('\n')
    const found = scanMarkdown('x.md', md)
    expect(found.map((f) => [f.line, f.what])).toEqual([
      [1, 'Markdown table'],
      [7, 'Markdown paragraph (code spans)'],
      [12, 'Markdown table row (code spans)'],
    ])
  })

  it('leaves the rows, the vendors, the vectors and the changesets alone', () => {
    const list = "export const x = ['y42', 'up42', 'orchest']"
    const files = [
      'packages/core/src/providers/index.ts',
      'packages/mock-sender/src/vendors/y42.ts',
      '.changeset/a.md',
      'packages/core/src/x.ts',
    ]
    expect(check(files, () => list).map((f) => f.file)).toEqual(['packages/core/src/x.ts'])
  })
})

describe('docs:providers writes the READMEs from the registry', () => {
  it('has one table row per registry row, with its header, TTL and secret variable', async () => {
    const rows = await described()
    expect(rows.map((r) => r.row.name)).toEqual(Object.keys(providers))
    const table = render('table', rows).split('\n')
    expect(table).toHaveLength(Object.keys(providers).length + 2)
    const github = table.find((l) => l.startsWith('| `github` |'))
    expect(github).toContain('`X-Hub-Signature-256`')
    expect(github).toContain('| 3 days |')
    expect(github).toContain('`GITHUB_WEBHOOK_SECRET`')
    expect(render('env', rows)).toMatch(/^`Y42_WEBHOOK_SECRET`, .*`STANDARD_WEBHOOKS_WEBHOOK_SECRET`.* and `[A-Z0-9_]+_WEBHOOK_SECRET`$/)
    expect(render('aliases', rows)).toContain("`'trifacta'`")
    expect(() => render('colours', rows)).toThrow(/unknown generated block/)
  })

  it('rewrites a stale block and keeps an inline one inline', async () => {
    const rows = await described()
    const text = 'a <!-- providers:names -->`old`<!-- /providers --> b\n<!-- providers:dedup -->\nold\n<!-- /providers -->\n'
    const out = update(text, rows)
    expect(out).toMatch(
      /^a <!-- providers:names -->`y42`, `up42`, .*<!-- \/providers --> b\n<!-- providers:dedup -->\n\| provider \| dedup key/,
    )
    expect(update(out, rows)).toBe(out)
  })

  it('every generated block in the repository is up to date', async () => {
    expect(await regenerate(true)).toEqual([])
  })
})
