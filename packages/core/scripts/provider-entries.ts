// npx tsx packages/core/scripts/provider-entries.ts [--check]
//
// Writes, from the registry, what `@hookproof/core/providers/<name>` needs for every row:
// src/entries/<name>.ts (Web Crypto) and src/entries/<name>.node.ts (node:crypto), the node10 stub
// providers/<name>/package.json and the subpath in package.json's exports map. After adding a row
// to src/providers/index.ts, run it once; --check only reports what is missing or stale (exit 1),
// which test/entries.test.ts also asserts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { providers } from '../src/providers/index.js'

const core = new URL('../', import.meta.url)
const check = process.argv.includes('--check')
const stale: string[] = []

function put(path: string, text: string): void {
  const url = new URL(path, core)
  if (existsSync(url) && readFileSync(url, 'utf8') === text) return
  stale.push(path)
  if (check) return
  mkdirSync(new URL('.', url), { recursive: true })
  writeFileSync(url, text)
}

/** The row's export name, and its `<row>OptionsProblem` startup check when the row file has one. */
async function rowExport(name: string): Promise<{ row: string; problem: string | undefined }> {
  const module = (await import(`../src/providers/${name}.ts`)) as Record<string, unknown>
  const row = Object.keys(module).find((key) => module[key] === (providers as Record<string, unknown>)[name])
  if (row === undefined) throw new Error(`src/providers/${name}.ts does not export the ${name} row`)
  const problem = typeof module[`${row}OptionsProblem`] === 'function' ? `${row}OptionsProblem` : undefined
  return { row, problem }
}

function entry(name: string, { row, problem }: { row: string; problem: string | undefined }, backend: 'web' | 'node'): string {
  const crypto = backend === 'web' ? 'webCrypto' : 'nodeCrypto'
  const where = backend === 'web' ? 'Web Crypto (Workers, Deno, Bun, browsers)' : 'node:crypto (the `node` export condition)'
  const key = /^[a-z]\w*$/i.test(name) && name === row ? row : `${JSON.stringify(name).replaceAll('"', "'")}: ${row}`
  // as biome formats it: one line, or one key a line when the startup check makes it too long
  const table = problem
    ? `{\n  providers: { ${key} },\n  aliases: {},\n  optionsProblem: (options, rows) => (rows.includes(${row}) ? ${problem}(options) : undefined),\n}`
    : `{ providers: { ${key} }, aliases: {} }`
  return `// \`@hookproof/core/providers/${name}\` on ${where}: this row alone, so a
// bundle holds no other provider. Written by scripts/provider-entries.ts; the functions are documented in ../api.ts.
import {
  bindTable,
  checkLambdaEventOf,
  checkOf,
  checkRequestOf,
  createVerifierOf,
  signOf,
  verifyLambdaEventOf,
  verifyOf,
  verifyRequestOf,
} from '../api.js'
import { ${crypto} } from '../crypto/${backend}.js'
import { ${problem ? `${row}, ${problem}` : row} } from '../providers/${name}.js'

export * from './shared.js'
export { ${row} }

// one export per function, each \`@__PURE__\`: a bundler drops those not imported
const bound = /* @__PURE__ */ bindTable(${crypto}, ${table})
export const createVerifier = /* @__PURE__ */ createVerifierOf(bound)
export const verify = /* @__PURE__ */ verifyOf(bound)
export const check = /* @__PURE__ */ checkOf(bound)
export const sign = /* @__PURE__ */ signOf(bound)
export const verifyRequest = /* @__PURE__ */ verifyRequestOf(bound)
export const checkRequest = /* @__PURE__ */ checkRequestOf(bound)
export const verifyLambdaEvent = /* @__PURE__ */ verifyLambdaEventOf(bound)
export const checkLambdaEvent = /* @__PURE__ */ checkLambdaEventOf(bound)
`
}

const manifest = JSON.parse(readFileSync(new URL('package.json', core), 'utf8'))
const before = JSON.stringify(manifest.exports)
const exportsMap: Record<string, unknown> = {}
for (const [path, target] of Object.entries(manifest.exports as Record<string, unknown>)) {
  if (path.startsWith('./providers/')) continue
  if (path === './package.json') {
    for (const name of Object.keys(providers)) {
      const d = `./dist/provider-${name}`
      exportsMap[`./providers/${name}`] = {
        node: {
          import: { types: `${d}-node.d.ts`, default: `${d}-node.js` },
          require: { types: `${d}-node.d.cts`, default: `${d}-node.cjs` },
        },
        import: { types: `${d}.d.ts`, default: `${d}.js` },
        require: { types: `${d}.d.cts`, default: `${d}.cjs` },
      }
    }
  }
  exportsMap[path] = target
}

for (const name of Object.keys(providers)) {
  const row = await rowExport(name)
  put(`src/entries/${name}.ts`, entry(name, row, 'web'))
  put(`src/entries/${name}.node.ts`, entry(name, row, 'node'))
  const stub = {
    private: true,
    main: `../../dist/provider-${name}-node.cjs`,
    module: `../../dist/provider-${name}.js`,
    types: `../../dist/provider-${name}-node.d.cts`,
  }
  put(`providers/${name}/package.json`, `${JSON.stringify(stub, null, 2)}\n`)
}
if (JSON.stringify(exportsMap) !== before) {
  stale.push('package.json (exports)')
  if (!check) {
    manifest.exports = exportsMap
    writeFileSync(new URL('package.json', core), `${JSON.stringify(manifest, null, 2)}\n`)
    console.log('package.json rewritten: run npx biome format --write packages/core/package.json')
  }
}
if (stale.length === 0) console.log('provider entries: up to date')
else console.log(`${check ? 'stale or missing' : 'wrote'}: ${stale.join(', ')}`)
if (check && stale.length > 0) process.exit(1)
