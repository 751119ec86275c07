// The README's send and conformance examples run as written against a receiver on 127.0.0.1.
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startReceiver, TEST_SECRETS, type TestReceiver } from './receiver.js'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const TMP = fileURLToPath(new URL('../.tmp/', import.meta.url))
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

/** The first ```ts block after a heading. */
function blockAfter(heading: string): string {
  const from = README.indexOf(`## ${heading}`)
  if (from < 0) throw new Error(`no heading ${heading}`)
  const match = /```ts\n([\s\S]*?)```/.exec(README.slice(from))
  if (!match?.[1]) throw new Error(`no ts block after ${heading}`)
  return match[1]
}

let receiver: TestReceiver
beforeAll(async () => {
  receiver = await startReceiver()
  mkdirSync(TMP, { recursive: true })
})
afterAll(async () => {
  await receiver.close()
  rmSync(TMP, { recursive: true, force: true })
})

function run(name: string, code: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = `${TMP}${name}.ts`
  writeFileSync(file, code.replaceAll('http://127.0.0.1:3000', receiver.url))
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', file],
      {
        cwd: ROOT,
        timeout: 30_000,
        env: {
          ...process.env,
          ORCHEST_WEBHOOK_SECRET: TEST_SECRETS.orchest.current,
          ORCHEST_WEBHOOK_SECRET_PREVIOUS: TEST_SECRETS.orchest.previous,
        },
      },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    ),
  )
}

describe('README examples run as written', { timeout: 30_000 }, () => {
  it('"Sending like the vendor" delivers once and prints the attempt', async () => {
    const r = await run('send', blockAfter('Sending like the vendor'))
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^1 202 [0-9a-f-]{36}$/)
    expect(lines[1]).toBe('true []')
  })

  it('"Conformance" prints an all-ok report', async () => {
    const r = await run('conformance', blockAfter('Conformance'))
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^reserialized-body +4xx SIGNATURE_MISMATCH +401 SIGNATURE_MISMATCH +0\/0 +ok$/m)
    expect(r.stdout).toMatch(/all 10 cases behaved as a correct receiver should/)
  })
})
