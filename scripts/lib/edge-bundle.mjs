// Bundles a snippet as a bundler for browsers and workers does (the exports map without the `node`
// condition: workerd, worker, browser), minified and split, so that dynamic imports become chunks
// of their own. Shared by check-package.mjs (the size limits), size-table.mjs (bytes per module)
// and packages/core/test/bundle-start.test.ts (what the start bundle may hold).
import { relative } from 'node:path'
import { gzipSync } from 'node:zlib'

/**
 * @param {{ contents: string, resolveDir: string, outdir: string, fromSource?: boolean, plugins?: import('esbuild').Plugin[] }} options
 *   `fromSource`: resolve @hookproof/* through the root tsconfig (the sources); else as a user's
 *   bundler sees the package (its dist).
 * @returns {Promise<{ inputs: string[], outputs: { path: string, text: string, meta: import('esbuild').Metafile['outputs'][string] }[], entry: string | undefined, eager: Set<string> }>}
 *   `eager`: the paths a runtime loads at start (the entry chunk and what it imports statically);
 *   every other .js output loads only when a dynamic import runs.
 */
export async function bundleForEdge({ contents, resolveDir, outdir, fromSource = false, plugins = [] }) {
  const esbuild = await import('esbuild')
  const result = await esbuild.build({
    stdin: { contents, resolveDir, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    splitting: true,
    outdir,
    write: false,
    metafile: true,
    logLevel: 'silent',
    // the root tsconfig maps @hookproof/* to src for tests; a user's bundler sees only the package
    tsconfigRaw: fromSource ? undefined : {},
    plugins,
  })
  const outputs = result.outputFiles.map((file) => {
    const key = Object.keys(result.metafile.outputs).find((k) => file.path.endsWith(k)) ?? relative(resolveDir, file.path)
    return { path: key, text: file.text, meta: result.metafile.outputs[key] ?? {} }
  })
  const entry = (outputs.find((o) => o.meta.entryPoint !== undefined) ?? outputs.find((o) => o.path.endsWith('.js')))?.path
  const byPath = new Map(outputs.map((o) => [o.path, o]))
  const eager = new Set()
  const walk = (path) => {
    const out = byPath.get(path)
    if (!out || eager.has(path)) return
    eager.add(path)
    for (const imp of out.meta.imports ?? []) if (imp.kind === 'import-statement') walk(imp.path)
  }
  walk(entry)
  return { inputs: Object.keys(result.metafile.inputs), outputs, entry, eager }
}

/** Minified and gzip -9 bytes of some outputs, each chunk compressed on its own (as served). */
export function sizeOf(list) {
  return {
    min: list.reduce((n, o) => n + Buffer.byteLength(o.text), 0),
    gz: list.reduce((n, o) => n + gzipSync(o.text, { level: 9 }).length, 0),
  }
}
