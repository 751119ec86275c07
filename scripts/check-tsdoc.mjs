#!/usr/bin/env node
// npm run check:tsdoc
//
// Lists every symbol a package exports from src/index.ts that has no TSDoc `@example` (STYLE.md
// section 11: an example on every export). Functions, classes and constants are listed first,
// then types and interfaces. A warning list: the exit code is 0 unless --strict is given, then it
// is 1 when anything is listed.
//
// A value re-exported from a factory (`export const { verify } = bind(webCrypto)`) counts as
// documented when the function it is built from carries the example.
import { join, relative } from 'node:path'
import ts from 'typescript'
import { listPackages, root } from './lib/packages.mjs'

const strict = process.argv.includes('--strict')
const config = ts.getParsedCommandLineOfConfigFile(
  join(root, 'tsconfig.json'),
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
)
const packages = listPackages()
const entries = packages.map((p) => join(p.dir, 'src', 'index.ts')).filter((file) => ts.sys.fileExists(file))
const program = ts.createProgram(entries, { ...config.options, noEmit: true })
const checker = program.getTypeChecker()

const hasExample = (tags) => tags.some((tag) => tag.name === 'example')

function documented(symbol) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
  if (hasExample(target.getJsDocTags(checker))) return true
  // a const bound from a factory: the example sits on the function the factory returns
  const declaration = target.valueDeclaration
  if (declaration && (ts.isVariableDeclaration(declaration) || ts.isBindingElement(declaration))) {
    const type = checker.getTypeOfSymbolAtLocation(target, declaration)
    for (const signature of type.getCallSignatures()) if (hasExample(signature.getJsDocTags())) return true
    if (type.symbol && hasExample(type.symbol.getJsDocTags(checker))) return true
  }
  return false
}

function kindOf(symbol) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
  if (target.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable | ts.SymbolFlags.Enum)) return 'value'
  return 'type'
}

function where(symbol) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
  const declaration = target.declarations?.[0]
  if (!declaration) return '?'
  const file = declaration.getSourceFile()
  const { line } = file.getLineAndCharacterOfPosition(declaration.getStart())
  return `${relative(root, file.fileName)}:${line + 1}`
}

let missing = 0
let total = 0
for (const pkg of packages) {
  const file = program.getSourceFile(join(pkg.dir, 'src', 'index.ts'))
  if (!file) {
    console.log(`${pkg.name}: no src/index.ts, skipped`)
    continue
  }
  const moduleSymbol = checker.getSymbolAtLocation(file)
  const exports = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : []
  const lacking = exports.filter((symbol) => !documented(symbol))
  total += exports.length
  missing += lacking.length
  const values = lacking.filter((s) => kindOf(s) === 'value')
  const types = lacking.filter((s) => kindOf(s) === 'type')
  console.log(`${pkg.name}: ${exports.length - lacking.length} of ${exports.length} exports have an @example`)
  for (const [label, list] of [
    ['functions, classes, constants', values],
    ['types, interfaces', types],
  ]) {
    if (list.length === 0) continue
    console.log(`  without @example (${label}):`)
    for (const symbol of list.sort((a, b) => a.name.localeCompare(b.name))) console.log(`    - ${symbol.name.padEnd(32)} ${where(symbol)}`)
  }
}
console.log(
  `\ncheck:tsdoc: ${total - missing} of ${total} exported symbols have an @example${missing > 0 ? ` (${missing} listed above)` : ''}`,
)
if (strict && missing > 0) process.exit(1)
