/**
 * A Next.js app built the way packages/next/test/build-app.ts builds its test app: the dist builds
 * of @hookproof/core and @hookproof/next (tsup, JS only, rebuilt when older than src) copied into
 * the app's node_modules as an install would, the app copied to node_modules/.cache/<name>, and
 * `next build` run there, only when the inputs (app, both packages, Next's version) changed since
 * the last build. Used by the bench (bench/next-app) and by `npm run demo` (examples/demo/next-app).
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('../../', import.meta.url))
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

function ensureDist(pkg: 'core' | 'next'): void {
  const dir = join(root, 'packages', pkg)
  const dist = join(dir, 'dist', 'index.js')
  if (existsSync(dist) && statSync(dist).mtimeMs >= newest([...files(join(dir, 'src')), join(dir, 'tsup.config.ts')])) return
  const result = spawnSync(process.execPath, [tsupBin, '--no-dts'], { cwd: dir, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`tsup in packages/${pkg} failed:\n${result.stdout}${result.stderr}`)
}

function install(appDir: string, pkg: 'core' | 'next'): string[] {
  const from = join(root, 'packages', pkg)
  const to = join(appDir, 'node_modules', '@hookproof', pkg)
  rmSync(to, { recursive: true, force: true })
  mkdirSync(to, { recursive: true })
  const json = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as { files: string[] }
  cpSync(join(from, 'package.json'), join(to, 'package.json'))
  for (const entry of json.files) cpSync(join(from, entry), join(to, entry), { recursive: true })
  return files(to)
}

/** The environment of `next build` and the in-process server: production, no telemetry. */
export function nextEnv(): NodeJS.ProcessEnv {
  return { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' }
}

/**
 * Builds `sourceDir` into node_modules/.cache/`name` unless a build of exactly these inputs is
 * there; returns the built app's directory and whether it built (a build takes about a minute).
 *
 * @example
 * const { dir } = buildNextApp(fileURLToPath(new URL('../next-app/', import.meta.url)), 'hookproof-next-bench')
 */
export function buildNextApp(sourceDir: string, name: string): { dir: string; built: boolean; seconds: number } {
  const appDir = join(root, 'node_modules', '.cache', name)
  ensureDist('core')
  ensureDist('next')
  mkdirSync(appDir, { recursive: true })
  for (const entry of readdirSync(appDir, { withFileTypes: true }).filter((e) => e.name !== '.next')) {
    rmSync(join(appDir, entry.name), { recursive: true, force: true })
  }
  cpSync(sourceDir, appDir, { recursive: true })
  const inputs = [...install(appDir, 'core'), ...install(appDir, 'next'), ...files(appDir)].sort()
  const hash = createHash('sha256')
  for (const path of inputs) hash.update(relative(appDir, path)).update('\0').update(readFileSync(path)).update('\0')
  hash.update(readFileSync(join(root, 'node_modules', 'next', 'package.json')))
  const digest = hash.digest('hex')
  const stamp = join(appDir, '.next', 'hookproof-inputs')
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return { dir: appDir, built: false, seconds: 0 }
  const started = Date.now()
  const result = spawnSync(process.execPath, [nextBin, 'build', appDir], { cwd: appDir, encoding: 'utf8', env: nextEnv() })
  if (result.status !== 0) throw new Error(`next build failed:\n${result.stdout}${result.stderr}`)
  mkdirSync(dirname(stamp), { recursive: true })
  writeFileSync(stamp, digest)
  return { dir: appDir, built: true, seconds: (Date.now() - started) / 1000 }
}

/** The built app's directory when a build is there (whatever its inputs), else `undefined`. */
export function builtNextApp(name: string): string | undefined {
  const appDir = join(root, 'node_modules', '.cache', name)
  return existsSync(join(appDir, '.next', 'hookproof-inputs')) ? appDir : undefined
}
