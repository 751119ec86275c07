import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Vector } from './backends.js'
import vectors from './vectors/vectors.json' with { type: 'json' }

// Each per-provider entry (src/entries/<name>.ts, what `@hookproof/core/providers/<name>` resolves
// to without the `node` condition) in a real workerd isolate: every vector of its provider goes
// through checkRequest with a workerd Request, with `provider` left to default to the row.

const all = vectors as unknown as Vector[]
const names = readdirSync(new URL('../src/entries/', import.meta.url))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.node.ts') && file !== 'shared.ts')
  .map((file) => file.slice(0, -'.ts'.length))

const ENTRY = `
${names.map((name, i) => `import * as e${i} from '../src/entries/${name}.ts'`).join('\n')}
import vectors from './vectors/vectors.json'

const entries = { ${names.map((name, i) => `${JSON.stringify(name)}: e${i}`).join(', ')} }

async function run() {
  const out = {}
  for (const v of vectors) {
    const entry = entries[v.provider]
    const method = v.method ?? 'POST'
    const request = new Request(v.url ?? 'https://hooks.example.com/hook', {
      method,
      headers: v.headers,
      body: method === 'GET' || method === 'HEAD' ? undefined : v.body,
    })
    const result = await entry.checkRequest(request, { secret: v.secret, now: () => v.now, ...v.options })
    const answer = result.ok ? undefined : entry.toResponse(result, { exposeDetails: false })
    out[v.id] = result.ok
      ? { ok: true, provider: result.webhook.provider }
      : { ok: false, code: result.code, status: answer.status, type: answer.headers.get('content-type') }
  }
  let other
  try {
    entries[${JSON.stringify(names[0])}].createVerifier({ provider: ${JSON.stringify(names[1])}, secret: 's' })
  } catch (error) {
    other = String(error.message)
  }
  return { node: typeof globalThis.process?.versions?.node, vectors: out, other }
}

export default { async fetch() { return Response.json(await run()) } }
`

interface Report {
  node: string
  vectors: Record<string, { ok: boolean; provider?: string; code?: string; status?: number; type?: string }>
  other: string | undefined
}

let mf: Miniflare
let report: Report

beforeAll(async () => {
  const bundled = await build({
    stdin: { contents: ENTRY, resolveDir: fileURLToPath(new URL('.', import.meta.url)), sourcefile: 'workerd-providers.js', loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    logLevel: 'silent',
  })
  const script = bundled.outputFiles[0]?.text ?? ''
  expect(script).not.toContain('node:crypto')
  mf = new Miniflare({ modules: true, script, compatibilityDate: '2025-06-01' })
  report = (await (await mf.dispatchFetch('https://hooks.example.com/')).json()) as Report
})

afterAll(async () => {
  await mf?.dispose()
})

describe('per-provider entries in workerd', () => {
  it('finds an entry for every provider that has vectors', () => {
    expect(names.length).toBeGreaterThan(1)
    expect([...new Set(all.map((v) => v.provider))].sort()).toEqual([...names].sort())
    expect(report.node).toBe('undefined')
  })

  it.each(all.map((v) => [v.id, v] as const))('%s: checkRequest through its provider entry', (id, v) => {
    const r = report.vectors[id]
    if (v.valid) expect(r).toEqual({ ok: true, provider: v.provider })
    else expect(r).toMatchObject({ ok: false, code: v.expectCode, type: 'application/problem+json' })
  })

  it('an entry knows only its own row', () => {
    expect(report.other).toMatch(new RegExp(`Unknown provider "${names[1]}".*Built-in providers: ${names[0]}$`))
  })
})
