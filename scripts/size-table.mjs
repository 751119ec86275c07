#!/usr/bin/env node
// node scripts/size-table.mjs [provider] [--src] [--all] [--no-lazy] [--write]: bundles a Worker that
// imports only { verifyRequest } from one per-provider entry (default orchest) the way check-package
// does (esbuild, workerd/worker/browser, splitting, minify, gzip -9) and lists the minified bytes each
// input module puts into the start bundle (what loads before lazy chunks).
// --src bundles packages/core/src (no build needed); without it, the built package (dist).
// --all: the whole entry (`export *`); --write: the chunks' text on stderr.
import { join } from 'node:path'
import { bundleForEdge, sizeOf } from './lib/edge-bundle.mjs'

const root = new URL('..', import.meta.url).pathname
const args = process.argv.slice(2)
const fromSrc = args.includes('--src')
const all = args.includes('--all')
// --no-lazy: dynamic imports external, to see what the start bundle holds only for lazy chunks
const noLazy = args.includes('--no-lazy')
const name = args.find((a) => !a.startsWith('--')) ?? 'orchest'
const id = fromSrc ? `./packages/core/src/entries/${name}.ts` : `@hookproof/core/providers/${name}`
const contents = all
  ? `export * from '${id}'`
  : `import { verifyRequest } from '${id}'\nexport default { fetch: (r) => verifyRequest(r, { provider: '${name}', secret: 's' }) }`
const { outputs: outs, eager } = await bundleForEdge({
  contents,
  resolveDir: root,
  outdir: join(root, '.tmp', 'size-table'),
  fromSource: fromSrc,
  plugins: noLazy
    ? [
        {
          name: 'no-lazy',
          setup: (b) => b.onResolve({ filter: /.*/ }, (a) => (a.kind === 'dynamic-import' ? { path: a.path, external: true } : undefined)),
        },
      ]
    : [],
})
const js = outs.filter((o) => o.path.endsWith('.js'))
const start = js.filter((o) => eager.has(o.path))
const lazy = js.filter((o) => !eager.has(o.path))
const per = new Map()
for (const o of start)
  for (const [input, { bytesInOutput }] of Object.entries(o.meta.inputs)) per.set(input, (per.get(input) ?? 0) + bytesInOutput)
const rows = [...per].filter(([, b]) => b > 0).sort((a, b) => b[1] - a[1])
const total = rows.reduce((n, [, b]) => n + b, 0)
for (const [input, bytes] of rows) console.log(`${String(bytes).padStart(7)}  ${input.replace(/^.*packages\/core\//, '')}`)
const { min, gz } = sizeOf(start)
const lazyMin = sizeOf(lazy).min
console.log(
  `${String(total).padStart(7)}  (module bytes) ; start ${min} B min, ${gz} B = ${(gz / 1024).toFixed(2)} KB min+gzip in ${start.length} chunk(s); lazy ${lazyMin} B min in ${lazy.length} chunk(s)`,
)
if (args.includes('--write')) for (const o of js) console.error(`--- ${o.path} ${eager.has(o.path) ? 'start' : 'lazy'}\n${o.text}`)
