// Builds the test app of test/app once per test run, the way a user's app resolves the packages:
// the dist builds of @hookproof/core and @hookproof/next copied into the app's node_modules, as
// an install would. The app is built in a copy under node_modules/.cache, not in place:
// inside packages/next, `@hookproof/next` would resolve to the package itself (self-reference),
// and Turbopack applies the nearest tsconfig to each file, whose paths (the repository's) send
// @hookproof/* back to the TypeScript sources, the node:crypto build of core included.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('../../../', import.meta.url))
const sourceDir = fileURLToPath(new URL('./app/', import.meta.url))
/** Where the app is built and served from. */
export const appDir = join(root, 'node_modules', '.cache', 'hookproof-next-app')
const nextBin = join(root, 'node_modules', 'next', 'dist', 'bin', 'next')
const tsupBin = join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js')

function files(dir: string, skip = new Set(['node_modules', '.next'])): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skip.has(entry.name)) return []
    const path = join(dir, entry.name)
    return entry.isDirectory() ? files(path, skip) : [path]
  })
}

const newest = (paths: string[]) => Math.max(0, ...paths.map((p) => statSync(p).mtimeMs))

/** tsup without declarations (the tests need only the JS), when dist is missing or older than src. */
function ensureDist(pkg: 'core' | 'next'): void {
  const dir = join(root, 'packages', pkg)
  const dist = join(dir, 'dist', 'index.js')
  if (existsSync(dist) && statSync(dist).mtimeMs >= newest([...files(join(dir, 'src')), join(dir, 'tsup.config.ts')])) return
  const started = Date.now()
  const result = spawnSync(process.execPath, [tsupBin, '--no-dts'], { cwd: dir, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`tsup in packages/${pkg} failed:\n${result.stdout}${result.stderr}`)
  console.log(`[next tests] built packages/${pkg}/dist (JS only) in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

/** Copies a package as npm would install it: package.json and its `files`. */
function install(pkg: 'core' | 'next'): string[] {
  const from = join(root, 'packages', pkg)
  const to = join(appDir, 'node_modules', '@hookproof', pkg)
  rmSync(to, { recursive: true, force: true })
  mkdirSync(to, { recursive: true })
  const json = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as { files: string[] }
  cpSync(join(from, 'package.json'), join(to, 'package.json'))
  for (const entry of json.files) cpSync(join(from, entry), join(to, entry), { recursive: true })
  return files(to)
}

/** Builds the app unless a build of exactly these inputs is already there; returns what it did. */
export function buildApp(): { built: boolean; seconds: number } {
  ensureDist('core')
  ensureDist('next')
  mkdirSync(appDir, { recursive: true })
  for (const entry of readdirSync(appDir, { withFileTypes: true }).filter((e) => e.name !== '.next')) {
    rmSync(join(appDir, entry.name), { recursive: true, force: true })
  }
  cpSync(sourceDir, appDir, { recursive: true })
  const inputs = [...install('core'), ...install('next'), ...files(appDir)].sort()
  const hash = createHash('sha256')
  for (const path of inputs) hash.update(relative(appDir, path)).update('\0').update(readFileSync(path)).update('\0')
  hash.update(readFileSync(join(root, 'node_modules', 'next', 'package.json')))
  const digest = hash.digest('hex')
  const STAMP = join(appDir, '.next', 'hookproof-inputs')
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === digest) return { built: false, seconds: 0 }
  const started = Date.now()
  const result = spawnSync(process.execPath, [nextBin, 'build', appDir], { cwd: appDir, encoding: 'utf8', env: nextEnv() })
  if (result.status !== 0) throw new Error(`next build failed:\n${result.stdout}${result.stderr}`)
  const seconds = (Date.now() - started) / 1000
  mkdirSync(dirname(STAMP), { recursive: true })
  writeFileSync(STAMP, digest)
  console.log(`[next tests] next build of test/app took ${seconds.toFixed(1)} s`)
  return { built: true, seconds }
}

/** The environment of `next build` and `next start`: production, no telemetry. */
export function nextEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...extra }
}

/** A running `next start`: its origin and how to stop it (the whole process group). */
export interface Started {
  origin: string
  stop(): Promise<void>
}

/** `next start` on a free port of 127.0.0.1, in its own process group so that stop() ends all of it. */
export async function startApp(port: number, env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [nextBin, 'start', appDir, '-H', '127.0.0.1', '-p', String(port)], {
    cwd: appDir,
    env: nextEnv(env),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  child.stderr.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const kill = () => {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  // a crashed or interrupted test run must not leave a server behind
  process.once('exit', kill)
  const origin = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`)
    try {
      await fetch(`${origin}/api/ready`)
      break
    } catch {
      if (Date.now() > deadline) {
        kill()
        throw new Error(`next start did not answer within 60 s:\n${output}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  return {
    origin,
    stop: async () => {
      kill()
      await exited
      process.off('exit', kill)
    },
  }
}
