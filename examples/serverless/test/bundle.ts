import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'

const core = fileURLToPath(new URL('../../../packages/core/', import.meta.url))
const hono = fileURLToPath(new URL('../../../packages/hono/src/index.ts', import.meta.url))

/**
 * Bundles an example the way wrangler does, resolving `@hookproof/core` through its real exports
 * map with the given conditions. Tests run against sources, so the package's `dist/<entry>.js`
 * files are stubs (in a temporary copy of the package) that re-export `src/<entry>.ts`.
 */
export async function bundle(entry: string, target: 'worker' | 'node'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'hookproof-bundle-'))
  try {
    const pkg = join(dir, 'node_modules', '@hookproof', 'core')
    mkdirSync(join(pkg, 'dist'), { recursive: true })
    copyFileSync(join(core, 'package.json'), join(pkg, 'package.json'))
    for (const name of ['index', 'node', 'adapter', 'adapter-node']) {
      const source = JSON.stringify(join(core, 'src', `${name}.ts`))
      writeFileSync(join(pkg, 'dist', `${name}.js`), `export * from ${source}\n`)
      writeFileSync(join(pkg, 'dist', `${name}.cjs`), `module.exports = require(${source})\n`)
    }
    const throughExportsMap: Plugin = {
      name: 'hookproof-core-exports-map',
      setup(b) {
        // @hookproof/hono from its sources; the core it imports goes through the exports map below
        b.onResolve({ filter: /^@hookproof\/hono$/ }, () => ({ path: hono }))
        b.onResolve({ filter: /^@hookproof\/core(\/adapter)?$/ }, async (args) => {
          if (args.pluginData === 'inner') return undefined
          const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: dir, pluginData: 'inner' })
          if (resolved.errors.length > 0) return { errors: resolved.errors }
          return { path: resolved.path }
        })
      },
    }
    const result = await build({
      entryPoints: [fileURLToPath(new URL(`../src/${entry}`, import.meta.url))],
      bundle: true,
      write: false,
      format: 'esm',
      target: 'es2022',
      logLevel: 'silent',
      plugins: [throughExportsMap],
      ...(target === 'worker'
        ? { platform: 'browser', conditions: ['workerd', 'worker', 'browser'] }
        : { platform: 'node', external: ['hono'] }),
    })
    return result.outputFiles[0]?.text ?? ''
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
