import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bundleForEdge } from '../../../scripts/lib/edge-bundle.mjs'

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
  const { outputs, entry, eager } = await bundleForEdge({
    contents: `import { verifyRequest } from './src/entries/${name}.ts'\nexport default { fetch: (r) => verifyRequest(r, { secret: 's' }) }`,
    resolveDir: fileURLToPath(new URL('..', import.meta.url)),
    outdir: fileURLToPath(new URL('../.tmp-bundle-start', import.meta.url)),
    fromSource: true,
  })
  const js = outputs.filter((o) => o.path.endsWith('.js'))
  const start = js.filter((o) => eager.has(o.path))
  const lazy = js.filter((o) => !eager.has(o.path))
  const inputsOf = (path: string) =>
    Object.keys(outputs.find((o) => o.path === path)?.meta.inputs ?? {}).map((i) => i.replace(/^.*packages\/core\//, ''))
  return {
    shared: start.map((o) => o.path).filter((path) => path !== entry),
    lazy: lazy.map((o) => o.path),
    text: start.map((o) => o.text).join('\n'),
    lazyText: lazy.map((o) => o.text).join('\n'),
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
