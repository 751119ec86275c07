// Prints the longest functions of a package's sources (lines, code lines without comments and
// blanks, file:line, name): `node scripts/function-lengths.mjs packages/core/src [limit] [--code]`.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'

const [dir = 'packages/core/src', limitArg = '15'] = process.argv.slice(2)
const files = []
const walk = (d) => {
  for (const name of readdirSync(d)) {
    const p = join(d, name)
    if (statSync(p).isDirectory()) walk(p)
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) files.push(p)
  }
}
walk(dir)
const rows = []
for (const file of files) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line
      const end = source.getLineAndCharacterOfPosition(node.end).line
      let name = node.name?.getText(source)
      if (name === undefined && ts.isVariableDeclaration(node.parent)) name = node.parent.name.getText(source)
      if (name === undefined && ts.isPropertyAssignment(node.parent)) name = node.parent.name.getText(source)
      // code lines: without blank lines and comments (TSDoc of inner functions counts for nothing)
      const text = node
        .getText(source)
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '')
      const code = text.split('\n').filter((l) => l.trim() !== '').length
      rows.push({ lines: end - start + 1, code, where: `${file}:${start + 1}`, name: name ?? '(anonymous)' })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
}
const byCode = process.argv.includes('--code')
rows.sort((a, b) => (byCode ? b.code - a.code : b.lines - a.lines))
console.log('lines  code  where  name')
for (const r of rows.slice(0, Number(limitArg))) console.log(String(r.lines).padStart(5), String(r.code).padStart(5), r.where, r.name)
