/**
 * The Next.js receiver of `npm run demo`: examples/demo/next-app (App Router, node runtime,
 * `withWebhook()` from @hookproof/next), built with `next build` into
 * node_modules/.cache/hookproof-next-demo the first time (about a minute; reused while the app,
 * @hookproof/core, @hookproof/next and Next's version are unchanged) and served by `next start`
 * on a free port in its own process group, stopped by `close()`.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
// relative: the demo runs from a fresh `npm ci` without building or linking anything
import { buildNextApp, nextEnv, root } from '../../../bench/lib/next.js'

const source = fileURLToPath(new URL('../next-app/', import.meta.url))
const nextBin = `${root}node_modules/next/dist/bin/next`

export interface NextStartOptions {
  secrets: Record<string, string>
  previousSecrets: Record<string, string>
  log: (line: string) => void
  handlerDelayMs?: number
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/**
 * Builds the app when needed, then starts it; resolves once it answers.
 *
 * @example
 * const { url, close } = await startNext(0, { secrets, previousSecrets: {}, log: console.log })
 */
export async function startNext(port: number, options: NextStartOptions): Promise<{ url: string; close(): Promise<void> }> {
  const { dir } = buildNextApp(source, 'hookproof-next-demo')
  const listen = port === 0 ? await freePort() : port
  const config = { secrets: options.secrets, previousSecrets: options.previousSecrets, handlerDelayMs: options.handlerDelayMs ?? 0 }
  const child = spawn(process.execPath, [nextBin, 'start', dir, '-H', '127.0.0.1', '-p', String(listen)], {
    cwd: dir,
    env: { ...nextEnv(), DEMO_CONFIG: JSON.stringify(config) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const lines = (chunk: Buffer) => {
    output += chunk
    for (const line of String(chunk).split('\n')) if (line.startsWith('[next]')) options.log(line)
  }
  child.stdout.on('data', lines)
  child.stderr.on('data', lines)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const kill = () => {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  // an interrupted demo must not leave a server behind
  process.once('exit', kill)
  const url = `http://127.0.0.1:${listen}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`)
    try {
      if ((await fetch(`${url}/ready`)).status === 204) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      kill()
      throw new Error(`next start did not answer within 60 s:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    url,
    close: async () => {
      kill()
      await exited
      process.off('exit', kill)
    },
  }
}
