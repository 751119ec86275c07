/**
 * hookproof is measured as shipped, not as tsx runs it: tsx transforms with esbuild's keepNames,
 * which wraps every closure created per request in a `__name()` call (an Object.defineProperty),
 * a cost the published build does not have. So the bench builds the packages' sources the way
 * their tsup configs do (esbuild, target es2022, no keepNames) into a scratch directory and
 * imports those files. Built once by run.ts (HOOKPROOF_BENCH_BUILD names the directory for the
 * children); a child started alone builds its own.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('../../', import.meta.url))

export const ENTRIES = {
  'core-node': 'packages/core/src/node.ts',
  'core-web': 'packages/core/src/index.ts',
  express: 'packages/express/src/index.ts',
  koa: 'packages/koa/src/index.ts',
  fastify: 'packages/fastify/src/index.ts',
  hono: 'packages/hono/src/index.ts',
  nestjs: 'packages/nestjs/src/index.ts',
} as const
export type Entry = keyof typeof ENTRIES

/**
 * Builds every entry that exists into a fresh bench/.build/<random> (inside the repo, so the
 * bundles resolve express, koa and raw-body from node_modules) and removes it when this process
 * exits. Adapters not written yet are skipped.
 */
export async function buildAll(): Promise<string> {
  mkdirSync(join(root, 'bench/.build'), { recursive: true })
  const outdir = mkdtempSync(join(root, 'bench/.build/run-'))
  process.once('exit', () => rmSync(outdir, { recursive: true, force: true }))
  for (const [name, entry] of Object.entries(ENTRIES)) {
    if (!existsSync(join(root, entry))) continue
    await build({
      entryPoints: [join(root, entry)],
      outfile: join(outdir, `${name}.mjs`),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'es2022',
      // @hookproof/* resolve to their sources through the root tsconfig paths; everything else
      // (express, koa, raw-body) stays the installed package
      tsconfig: join(root, 'tsconfig.json'),
      packages: 'external',
      alias: {
        // the subpath first: an alias also rewrites its key's subpaths ('@hookproof/core/adapter'
        // would become 'node.ts/adapter')
        '@hookproof/core/adapter': join(root, 'packages/core/src/adapter-node.ts'),
        '@hookproof/core': join(root, ENTRIES['core-node']),
      },
      logLevel: 'error',
    })
  }
  const baseline = process.env.HOOKPROOF_BENCH_BASELINE
  if (baseline) await buildBaseline(baseline, outdir)
  return outdir
}

/**
 * `HOOKPROOF_BENCH_BASELINE=<git revision>`: core's node entry as it was at that revision, built
 * the same way into `core-node-baseline.mjs`, so "no slower than before" is a ratio measured in
 * the same run rather than two runs on a machine whose load drifts.
 */
async function buildBaseline(revision: string, outdir: string): Promise<void> {
  const src = mkdtempSync(join(root, 'bench/.build/baseline-'))
  process.once('exit', () => rmSync(src, { recursive: true, force: true }))
  const archive = execFileSync('git', ['-C', root, 'archive', revision, 'packages/core/src'])
  execFileSync('tar', ['-x', '-C', src], { input: archive })
  await build({
    entryPoints: [join(src, 'packages/core/src/node.ts')],
    outfile: join(outdir, 'core-node-baseline.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    logLevel: 'error',
  })
}

/** Imports the baseline build made for `HOOKPROOF_BENCH_BASELINE`; `undefined` without one. */
export async function loadBaseline<T>(): Promise<T | undefined> {
  const file = join(await buildDir(), 'core-node-baseline.mjs')
  if (!existsSync(file)) return undefined
  return (await import(pathToFileURL(file).href)) as T
}

let dir: Promise<string> | undefined

/** The build directory: the one run.ts made, or a fresh one. */
export function buildDir(): Promise<string> {
  const given = process.env.HOOKPROOF_BENCH_BUILD
  if (given) return Promise.resolve(given)
  dir ??= buildAll()
  return dir
}

/** Imports one built entry; `undefined` when its sources do not exist (yet). */
export async function load<T>(name: Entry): Promise<T | undefined> {
  const file = join(await buildDir(), `${name}.mjs`)
  if (!existsSync(file)) return undefined
  return (await import(pathToFileURL(file).href)) as T
}
