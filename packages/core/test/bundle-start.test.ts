import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build, type Metafile } from 'esbuild'
import { describe, expect, it } from 'vitest'

// What a Worker that imports one provider's `verifyRequest` loads at start, bundled as
// check-package bundles it (conditions workerd/worker/browser, splitting): the code that not every
// request runs (on-demand.ts) must stay a lazy chunk, and the one chunk it shares with the start
// bundle must hold only the modules on-demand.ts may import (see its header).

const names = readdirSync(new URL('../src/entries/', import.meta.url))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.node.ts') && file !== 'shared.ts')
  .map((file) => file.slice(0, -'.ts'.length))

const SHARED_ALLOWED = ['src/failure.ts', 'src/encoding.ts', 'src/maybe.ts', 'src/header-values.ts']
// one message of each on-demand part: the rejection log line, the claim, the form reader, the hints
const ON_DEMAND_TEXT = ['more in explain()', 'is being processed right now', 'Form field "', 'reproduces the signature']

async function startOf(name: string) {
  const result = await build({
    stdin: {
      contents: `import { verifyRequest } from './src/entries/${name}.ts'\nexport default { fetch: (r) => verifyRequest(r, { secret: 's' }) }`,
      resolveDir: fileURLToPath(new URL('..', import.meta.url)),
      loader: 'js',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    splitting: true,
    outdir: fileURLToPath(new URL('../.tmp-bundle-start', import.meta.url)),
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const outputs = result.metafile.outputs as Metafile['outputs']
  const key = (path: string) => Object.keys(outputs).find((k) => path.endsWith(k)) as string
  const texts = new Map(result.outputFiles.map((f) => [key(f.path), f.text]))
  const entry = Object.keys(outputs).find((k) => outputs[k]?.entryPoint !== undefined) as string
  const start = new Set<string>()
  const walk = (path: string) => {
    if (start.has(path)) return
    start.add(path)
    for (const imp of outputs[path]?.imports ?? []) if (imp.kind === 'import-statement') walk(imp.path)
  }
  walk(entry)
  const js = Object.keys(outputs).filter((k) => k.endsWith('.js'))
  const inputsOf = (path: string) => Object.keys(outputs[path]?.inputs ?? {}).map((i) => i.replace(/^.*packages\/core\//, ''))
  return {
    shared: [...start].filter((k) => k !== entry),
    lazy: js.filter((k) => !start.has(k)),
    text: [...start].map((k) => texts.get(k) ?? '').join('\n'),
    lazyText: js
      .filter((k) => !start.has(k))
      .map((k) => texts.get(k) ?? '')
      .join('\n'),
    inputsOf,
  }
}

describe('the start bundle of a one-provider Worker', () => {
  it.each(names)('%s: on-demand code is one lazy chunk; the one shared chunk holds only what on-demand.ts may import', async (name) => {
    const b = await startOf(name)
    expect(b.lazy).toHaveLength(1)
    expect(b.inputsOf(b.lazy[0] as string)).toContain('src/on-demand.ts')
    for (const marker of ON_DEMAND_TEXT) {
      expect(b.lazyText).toContain(marker)
      expect(b.text).not.toContain(marker)
    }
    expect(b.shared.length).toBeLessThanOrEqual(1)
    for (const chunk of b.shared) {
      expect(b.inputsOf(chunk).filter((input) => !SHARED_ALLOWED.includes(input))).toEqual([])
    }
  })
})
