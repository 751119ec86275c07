// Docs that run: every fenced TypeScript block of every README type-checks (the pinned tsc, one
// program), and every complete block (```ts, see scripts/lib/readme-blocks.mjs) runs as a program
// with fixed secrets, a short timeout and its servers closed. Blocks that call
// http://127.0.0.1:3000 run against "the README's own app", examples/express-app, started here
// with the same secrets. Blocks that need Redis get a redis-server started here.
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ProviderName, providers } from '@hookproof/core'
import { createDelivery, signDelivery } from '@hookproof/mock-sender'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { start as startApp } from '../../examples/express-app/src/app.js'
// @ts-expect-error: a plain .mjs module without declarations, shared with scripts/check-readme.mjs
import * as lib from '../lib/readme-blocks.mjs'

interface Block {
  file: string
  line: number
  kind: string
  reason?: string
  code: string
}
interface Written {
  block: Block
  path: string
}
interface TsError {
  block: Block
  readmeLine: number
}
const blocks = lib.allBlocks as (root: string) => Block[]
const writeBlocks = lib.writeBlocks as (root: string, blocks: Block[], dir: string) => Written[]
const typecheck = lib.typecheck as (dir: string, written: Written[], tsc: string) => { errors: TsError[]; foreign: string[] }
const formatError = lib.formatError as (e: TsError, compiler: string) => string
const blockId = lib.blockId as (block: Block) => string

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const DIR = join(ROOT, '.tmp', 'readme-run')
const HARNESS = fileURLToPath(new URL('./harness.mjs', import.meta.url))
const ALL = blocks(ROOT)

/** Fixed secrets for every provider, current and previous: the blocks read them from the environment. */
const NAMES = Object.keys(providers) as ProviderName[]
const secretOf = (p: ProviderName) => (p === 'standard-webhooks' ? 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' : `docs-${p}-secret`)
const previousOf = (p: ProviderName) => (p === 'standard-webhooks' ? 'whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX' : `docs-${p}-previous`)
const envVar = (p: ProviderName) => (providers as Record<string, { envVar?: string }>)[p]?.envVar
const ENV: Record<string, string> = {}
for (const p of NAMES) {
  const v = envVar(p)
  if (v === undefined) continue
  ENV[v] = secretOf(p)
  ENV[`${v}_PREVIOUS`] = previousOf(p)
}

/**
 * The tsconfig tsx runs the blocks with: the root's options (decorators for the Nest blocks,
 * paths to the workspace sources), with these files included, since tsx applies a tsconfig only
 * to the files it includes.
 */
function runTsconfig(): string {
  const file = join(DIR, 'tsconfig.run.json')
  mkdirSync(DIR, { recursive: true })
  writeFileSync(
    file,
    JSON.stringify({ extends: '../../tsconfig.json', include: ['*.ts', '../../packages/*/src', '../../examples/*/src'] }, null, 2),
  )
  return file
}

let written: Written[] = []
let tsErrors: TsError[] = []
let app: Awaited<ReturnType<typeof startApp>> | undefined
let redis: ChildProcess | undefined
let redisUrl: string | undefined

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

async function startRedis(): Promise<void> {
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) return
  const port = await freePort()
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start in 10 s')), 10_000)
    redis?.stdout?.on('data', (chunk: Buffer) => {
      if (/Ready to accept connections/.test(chunk.toString())) {
        clearTimeout(timer)
        resolve()
      }
    })
    redis?.once('exit', (code) => reject(new Error(`redis-server exited ${code}`)))
  })
  redisUrl = `redis://127.0.0.1:${port}`
}

beforeAll(async () => {
  written = writeBlocks(ROOT, ALL, DIR)
  tsErrors = typecheck(DIR, written, join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')).errors
  const secrets = Object.fromEntries(NAMES.map((p) => [p, secretOf(p)]))
  const previousSecrets = Object.fromEntries(NAMES.map((p) => [p, previousOf(p)]))
  app = await startApp(0, { secrets, previousSecrets, log: () => {} })
  await startRedis()
})
afterAll(async () => {
  await app?.close()
  redis?.kill('SIGTERM')
})

const label = (b: Block) => `${b.file}:${b.line}`

describe('README blocks type-check (tsc as pinned; scripts/check-readme.mjs adds TypeScript 7)', () => {
  it('finds the blocks of every README, new packages included', () => {
    const files = new Set(ALL.map((b) => b.file))
    for (const f of ['README.md', 'packages/core/README.md', 'packages/mock-sender/README.md', 'packages/koa/README.md']) {
      expect(files).toContain(f)
    }
    expect(ALL.filter((b) => !['complete', 'fragment', 'no-run'].includes(b.kind)).map(label)).toEqual([])
  })
  it.each(ALL.map((b) => [label(b), b] as const))('%s', (_, block) => {
    const mine = tsErrors.filter((e) => e.block === block || (e.block.file === block.file && e.block.line === block.line))
    expect(mine.map((e) => formatError(e, 'tsc')).join('\n')).toBe('')
  })
})

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs one complete block under the harness; `http://127.0.0.1:3000` becomes the README app. */
function runBlock(block: Block, extraEnv: Record<string, string> = {}): Promise<Run> {
  const id = blockId(block)
  const listens = /\.listen\(/.test(block.code)
  let code = `${block.code}\n`
  if (!listens && app !== undefined) code = code.replaceAll('http://127.0.0.1:3000', app.url).replaceAll('http://localhost:3000', app.url)
  if (!/^\s*(import|export)\b/m.test(code)) code += 'export {}\n'
  writeFileSync(join(DIR, `${id}.run.ts`), code)
  const main = join(DIR, `${id}.main.ts`)
  writeFileSync(
    main,
    `import ${JSON.stringify(HARNESS)}\nawait import(${JSON.stringify(`./${id}.run.ts`)})\nawait (globalThis as any).__docsHarness.finish()\n`,
  )
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', main],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: {
          ...process.env,
          ...ENV,
          TSX_TSCONFIG_PATH: runTsconfig(),
          ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl }),
          ...extraEnv,
        },
      },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
    )
  })
}

const needsRedis = (b: Block) => /from '(ioredis|redis)'/.test(b.code)
const complete = ALL.filter((b) => b.kind === 'complete')

describe('complete README blocks run', () => {
  it.each(complete.map((b) => [label(b), b] as const))('%s', async (_, block) => {
    if (needsRedis(block) && redisUrl === undefined) {
      // under CI redis-server is installed (.ci/run); elsewhere say what is missing
      if (process.env.CI === 'true') throw new Error('redis-server is not installed: apt-get install redis-server')
      return
    }
    const r = await runBlock(block)
    expect(r.code, `${label(block)} exited ${r.code}\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-2000)}`).toBe(0)
  })

  it('no-run blocks say where they run', () => {
    for (const b of ALL.filter((x) => x.kind === 'no-run')) expect(b.reason, label(b)).toMatch(/\S{3,}/)
  })
})

/** Starts a block and keeps its server up; resolves with its URL and a stop function. */
async function hold(block: Block): Promise<{ url: string; stop: () => void }> {
  const id = blockId(block)
  writeFileSync(join(DIR, `${id}.run.ts`), `${block.code}\n`)
  const main = join(DIR, `${id}.hold.ts`)
  writeFileSync(
    main,
    `import ${JSON.stringify(HARNESS)}\nawait import(${JSON.stringify(`./${id}.run.ts`)})\nawait (globalThis as any).__docsHarness.finish()\n`,
  )
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    cwd: ROOT,
    env: { ...process.env, ...ENV, TSX_TSCONFIG_PATH: runTsconfig(), DOCS_HOLD: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString()
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label(block)} did not listen in 60 s: ${err}`)), 60_000)
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /DOCS_LISTENING (\S+)[\s\S]*DOCS_READY/.exec(out)
      if (m?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.once('exit', (code) => reject(new Error(`${label(block)} exited ${code}: ${err}`)))
  })
  return { url, stop: () => child.kill('SIGTERM') }
}

async function signedOrchest(url: string): Promise<Response> {
  const signed = await signDelivery(createDelivery('orchest'), { secret: ENV.ORCHEST_WEBHOOK_SECRET as string })
  return fetch(url, { method: 'POST', headers: signed.headers, body: Buffer.from(signed.body) })
}

describe("the Koa README's forms verify the webhook route and leave every other route alone", () => {
  // the blocks that show an app with other routes beside the webhook one
  const koa = ALL.filter((b) => b.file === 'packages/koa/README.md' && b.kind === 'complete' && /ctx\.body = 'ok'/.test(b.code))

  it('has the @koa/router form and the path-scoped form', () => {
    expect(koa.some((b) => /from '@koa\/router'/.test(b.code))).toBe(true)
    expect(koa.some((b) => /ctx\.path/.test(b.code) && !/@koa\/router/.test(b.code))).toBe(true)
  })

  it.each(koa.map((b) => [label(b), b] as const))('%s', async (_, block) => {
    const server = await hold(block)
    try {
      const other = await fetch(`${server.url}/health`)
      expect(other.status).toBe(200)
      expect(await other.text()).toBe('ok')
      expect((await signedOrchest(`${server.url}/webhooks/orchest`)).status).toBe(204)
      // and the webhook route still rejects what it must
      const forged = await fetch(`${server.url}/webhooks/orchest`, { method: 'POST', body: '{}' })
      expect(forged.status).toBe(401)
    } finally {
      server.stop()
    }
  })
})

describe('the checker itself catches what a README block gets wrong', () => {
  const extract = lib.extractBlocks as (file: string, text: string) => Block[]
  const md = [
    '# x',
    '```ts',
    "throw new Error('boom')",
    '```',
    '```ts',
    'process.exitCode = 1',
    '```',
    '```ts',
    "import { createServer } from 'node:http'",
    "createServer((_req, res) => res.end('hi')).listen(3000)",
    '```',
    '```ts fragment',
    '// declare: const app: { use(path: string): void }',
    "app.use('/x')",
    "const n: number = 'not a number'",
    '```',
    '```ts fragment',
    "app.use('/y') // no declare: app is unknown",
    '```',
  ].join('\n')
  const synthetic = extract('synthetic/README.md', md)

  it('reads kinds, lines and declares', () => {
    expect(synthetic.map((b) => [b.line, b.kind])).toEqual([
      [2, 'complete'],
      [5, 'complete'],
      [8, 'complete'],
      [12, 'fragment'],
      [17, 'fragment'],
    ])
  })

  it('maps a type error to the README line it is on, and an undeclared name too', () => {
    const dir = join(ROOT, '.tmp', 'readme-selftest')
    const w = writeBlocks(ROOT, synthetic.slice(3), dir)
    const { errors } = typecheck(dir, w, join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'))
    const lines = errors.map((e) => formatError(e, 'tsc'))
    expect(lines).toEqual([
      expect.stringMatching(
        /^synthetic\/README\.md:15:7 \(block at line 12, fragment\) tsc: TS2322: Type 'string' is not assignable to type 'number'\./,
      ),
      expect.stringMatching(/^synthetic\/README\.md:18:1 \(block at line 17, fragment\) tsc: TS2304: Cannot find name 'app'\./),
    ])
  })

  it('a block that throws fails, one that sets exitCode 1 fails, a server block ends with its server closed', async () => {
    const [throws, exits, server] = synthetic as [Block, Block, Block]
    const a = await runBlock(throws)
    expect(a.code).not.toBe(0)
    expect(a.stderr).toMatch(/boom/)
    expect((await runBlock(exits)).code).toBe(1)
    const c = await runBlock(server)
    expect(c.code).toBe(0)
    expect(c.stdout).toMatch(/^DOCS_LISTENING http:\/\/127\.0\.0\.1:(?!3000\b)\d+$/m)
  })
})
