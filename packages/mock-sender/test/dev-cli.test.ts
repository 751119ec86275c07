import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devSecrets, HOOKPROOF_USAGE, runHookproof } from '../src/cli/run.js'
import { USAGE } from '../src/cli/run-send.js'
import type { DevServer } from '../src/dev/server.js'
import { startApp, type TestApp } from './dev-support.js'

function io(env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' }
  return {
    out,
    io: {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
      env,
    },
  }
}

let app: TestApp
let dir: string
beforeAll(async () => {
  app = await startApp()
  dir = mkdtempSync(join(tmpdir(), 'hookproof-cli-'))
})
afterAll(async () => {
  await app.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('hookproof: one CLI', () => {
  it('send is hookproof-send (same usage, same options)', async () => {
    const a = io()
    expect(await runHookproof(['send', '--help'], a.io)).toBe(0)
    expect(a.out.stdout).toBe(USAGE)
    const b = io()
    expect(await runHookproof(['send', 'orchest', '--url', `${app.url}/x`, '--secret', 's', '--print', 'curl', '--seed', 'x'], b.io)).toBe(
      0,
    )
    expect(b.out.stdout).toMatch(/^curl -sS -X POST/)
  })

  it('list shows providers with their secret variable, and faults; list events <provider> names events', async () => {
    const a = io()
    expect(await runHookproof(['list'], a.io)).toBe(0)
    expect(a.out.stdout).toMatch(/orchest\s+ORCHEST_WEBHOOK_SECRET\s+x-hub-signature/)
    expect(a.out.stdout).toMatch(/tampered-body\s+all/)
    const b = io()
    expect(await runHookproof(['list', 'events', 'up42'], b.io)).toBe(0)
    expect(b.out.stdout.split('\n')).toContain('job.status')
  })

  it('conformance is reachable under its own name', async () => {
    const a = io()
    expect(await runHookproof(['conformance', 'nope'], a.io)).toBe(2)
    expect(a.out.stderr).toMatch(/unknown provider "nope"/)
  })

  it('help, and exit 2 for an unknown command or bad dev flags', async () => {
    const a = io()
    expect(await runHookproof(['--help'], a.io)).toBe(0)
    expect(a.out.stdout).toBe(HOOKPROOF_USAGE)
    for (const argv of [
      ['serve'],
      ['dev', '--secret', 'nope=1'],
      ['dev', '--secret', 'orchest'],
      ['dev', '--forward', 'ftp://x'],
      ['dev', '--port', 'x'],
    ]) {
      const b = io()
      expect(await runHookproof(argv, b.io), argv.join(' ')).toBe(2)
      expect(b.out.stderr).toMatch(/^hookproof: /)
    }
  })

  it.each([
    [['dev', '--forwad', 'http://127.0.0.1:3000'], /unknown option --forwad: did you mean --forward\?/],
    [['dev', '--forward', 'localhost:3000'], /--forward needs a scheme: add http:\/\/ \(--forward http:\/\/localhost:3000\)/],
    [['send', 'orchest', '--ur', 'http://x/', '--secret', 's'], /unknown option --ur: did you mean --url\?/],
    [['conformance', 'orchest', '--url', 'localhost:3000', '--secret', 's'], /--url needs a scheme: add http:\/\//],
  ])('%j exits 2 and says how to fix it', async (argv, message) => {
    const b = io()
    expect(await runHookproof(argv, b.io)).toBe(2)
    expect(b.out.stderr).toMatch(message)
  })

  it('devSecrets: the *_WEBHOOK_SECRET variables (with _PREVIOUS), and --secret wins', () => {
    expect(
      devSecrets(['orchest=flag'], { ORCHEST_WEBHOOK_SECRET: 'env', GITHUB_WEBHOOK_SECRET: 'gh', GITHUB_WEBHOOK_SECRET_PREVIOUS: 'old' }),
    ).toEqual({
      orchest: ['flag'],
      github: ['gh', 'old'],
    })
  })
})

describe('hookproof dev from the command line', () => {
  it('starts with secrets from the environment, receives a hookproof send, and stops on the signal', async () => {
    const stop = new AbortController()
    const a = io({ ORCHEST_WEBHOOK_SECRET: 'cli-secret' })
    let onListening: (server: DevServer) => void = () => {}
    const listening = new Promise<DevServer>((resolve) => {
      onListening = resolve
    })
    const done = runHookproof(['dev', '--port', '0', '--dir', dir, '--forward', `${app.url}/webhooks`], {
      ...a.io,
      signal: stop.signal,
      onListening,
    })
    const server = await listening
    expect(a.out.stdout).toContain(`hookproof dev: open ${server.url}/`)
    expect(a.out.stdout).toContain('secrets for orchest')
    const sent = io()
    expect(await runHookproof(['send', 'orchest', '--url', `${server.url}/orchest`, '--secret', 'cli-secret'], sent.io)).toBe(0)
    expect(app.requests.at(-1)?.url).toBe('/webhooks/orchest')
    expect(a.out.stderr).toMatch(/#1 POST \/orchest orchest verified -> app 202/)
    stop.abort()
    expect(await done).toBe(0)
  })

  it('warns when bound beyond loopback or without any secret, and says when the port is taken', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const port = (taken.address() as { port: number }).port
    try {
      const a = io()
      expect(await runHookproof(['dev', '--port', String(port), '--dir', dir], a.io)).toBe(2)
      expect(a.out.stderr).toMatch(/no secret configured/)
      expect(a.out.stderr).toMatch(new RegExp(`port ${port} is in use`))
    } finally {
      taken.close()
    }
    const stop = new AbortController()
    const b = io({ GITHUB_WEBHOOK_SECRET: 'x' })
    const running = runHookproof(['dev', '--port', '0', '--host', '0.0.0.0', '--dir', dir], {
      ...b.io,
      signal: stop.signal,
      onListening: () => stop.abort(),
    })
    expect(await running).toBe(0)
    expect(b.out.stderr).toMatch(/warning: listening on 0\.0\.0\.0/)
  })

  it('the bin runs from a checkout', async () => {
    const bin = fileURLToPath(new URL('../src/cli/hookproof.ts', import.meta.url))
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', bin, '--help'])
    expect(stdout).toBe(HOOKPROOF_USAGE)
  })
})

describe('the README quick start runs as written', () => {
  it('hookproof dev, then a valid and a tampered hookproof send: the second is rejected with hints', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const from = readme.indexOf('## `hookproof dev`')
    const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(from))?.[1] ?? ''
    const commands = block.split('\n').filter((l) => /^[A-Z_]+=\S+ npx hookproof|^npx hookproof/.test(l))
    expect(commands).toHaveLength(3)
    const [devLine, ...sends] = commands as [string, ...string[]]
    const [, envName, envValue, devArgs] = /^([A-Z_]+)=(\S+) npx hookproof (.*)$/.exec(devLine) ?? []
    const quickDir = mkdtempSync(join(tmpdir(), 'hookproof-readme-'))
    const stop = new AbortController()
    let onListening: (server: DevServer) => void = () => {}
    const listening = new Promise<DevServer>((resolve) => {
      onListening = resolve
    })
    // the README's port 4400 may be taken here: a free one, and a temporary --dir
    const done = runHookproof([...(devArgs ?? '').split(' '), '--port', '0', '--dir', quickDir], {
      ...io({ [envName as string]: envValue as string }).io,
      signal: stop.signal,
      onListening,
    })
    const server = await listening
    try {
      for (const line of sends) {
        const args = line
          .replace(/^npx hookproof /, '')
          .replaceAll('http://127.0.0.1:4400', server.url)
          .split(' ')
        const r = io()
        expect(await runHookproof(args, r.io), `${line}\n${r.out.stdout}${r.out.stderr}`).toBe(0)
      }
      const [valid, tampered] = server.store.list()
      expect(valid?.verdict.ok).toBe(true)
      expect(tampered?.verdict).toMatchObject({ ok: false, code: 'SIGNATURE_MISMATCH' })
      expect((tampered?.verdict as { hints?: string[] } | undefined)?.hints?.length).toBeGreaterThan(0)
    } finally {
      stop.abort()
      await done
      rmSync(quickDir, { recursive: true, force: true })
    }
  })
})
