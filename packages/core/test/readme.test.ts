import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'

// The README's first TypeScript block must run as written and print what its comments promise.
const root = fileURLToPath(new URL('../../../', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'hookproof-readme-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function runFirstBlock(readme: string): Promise<string[]> {
  const text = readFileSync(join(root, readme), 'utf8')
  const block = /```ts\n([\s\S]*?)```/.exec(text)?.[1]
  if (!block) throw new Error(`${readme} has no ts block`)
  const source = block.replaceAll("'@hookproof/core'", JSON.stringify(join(root, 'packages/core/src/node.ts')))
  const file = join(dir, `${readme.replaceAll('/', '_')}.ts`)
  writeFileSync(file, source)
  const lines: string[] = []
  const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void lines.push(args.map(String).join(' ')))
  try {
    await import(/* @vite-ignore */ file)
  } finally {
    spy.mockRestore()
  }
  return lines
}

describe('README code runs as written', () => {
  it('the root README example verifies the Orchest ping', async () => {
    expect(await runFirstBlock('README.md')).toEqual(['ping 08bd2a31-9b17-4d1b-83ba-b4538a970dee'])
  })
  it('the core README example verifies a Designer Cloud delivery and rejects a forged one', async () => {
    expect(await runFirstBlock('packages/core/README.md')).toEqual(['designer-cloud [object Object]', 'SIGNATURE_MISMATCH'])
  })
})
