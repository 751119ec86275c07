/**
 * A throwaway Postgres server for tests: `initdb` into a temporary folder and `postgres` on a free
 * port of 127.0.0.1, fsync off, stopped and removed afterwards. The server refuses to run as root,
 * so under root both run as the unprivileged `nobody` (Node's spawn `uid`/`gid`), which owns the
 * folder. `stop()`/`start()` restart it on the same port with the same data.
 *
 * Binaries: `initdb` on the PATH, else Debian's `/usr/lib/postgresql/<version>/bin` (newest).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

/** The command that makes {@link postgresServerAvailable} true on Debian and Ubuntu. */
export const INSTALL_COMMAND = 'apt-get update && apt-get install -y postgresql'

/** The folder holding `initdb` and `postgres`, or `undefined` when Postgres is not installed. */
export function postgresBinDir(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' })
  const onPath = which.status === 0 ? which.stdout.trim() : ''
  if (onPath !== '') return onPath.slice(0, onPath.lastIndexOf('/'))
  const base = '/usr/lib/postgresql'
  if (!existsSync(base)) return undefined
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')) && existsSync(join(base, v, 'bin', 'postgres')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
  return versions[0] === undefined ? undefined : join(base, versions[0], 'bin')
}

/** `true` when `initdb` and `postgres` can be found. */
export function postgresServerAvailable(): boolean {
  return postgresBinDir() !== undefined
}

/** A running (or stopped) test server. */
export interface PostgresServer {
  readonly host: '127.0.0.1'
  readonly port: number
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication). */
  readonly url: string
  /** The postmaster's process id while it runs. */
  readonly pid: number | undefined
  /** Fast shutdown (SIGINT), SIGKILL after 5 s; resolves once the server has exited. */
  stop(): Promise<void>
  /** SIGKILL, like a crashed host: uncommitted transactions vanish, committed ones stay. */
  kill(): Promise<void>
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>
  /** Stops the server and removes its folder. */
  destroy(): Promise<void>
}

const live = new Set<ChildProcess>()
let exitHookInstalled = false

function killAllOnExit(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // an interrupted test run must not leave servers behind
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL')
  })
}

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (address === null || typeof address === 'string') throw new Error('no TCP port assigned')
  return address.port
}

/** As root, the ids of `nobody`: Postgres refuses to run as root. */
function unprivileged(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined
  const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim())
  return { uid, gid }
}

async function ready(port: number): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1000 })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * Runs `initdb` and starts `postgres` on a free port; resolves once it accepts connections.
 *
 * @example
 * const server = await startPostgresServer()
 * afterAll(() => server.destroy())
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = postgresBinDir()
  if (bin === undefined) throw new Error(`Postgres is not installed: ${INSTALL_COMMAND}`)
  killAllOnExit()
  const ids = unprivileged()
  const dir = mkdtempSync(join(tmpdir(), 'hookproof-pg-'))
  const data = join(dir, 'data')
  const sockets = join(dir, 'sockets')
  mkdirSync(data, { mode: 0o700 })
  mkdirSync(sockets)
  if (ids !== undefined) for (const path of [dir, data, sockets]) chownSync(path, ids.uid, ids.gid)
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C', HOME: dir }
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
    { env, encoding: 'utf8', ...(ids ?? {}), cwd: dir },
  )
  if (init.status !== 0)
    throw new Error(`initdb failed (${init.status ?? init.signal}): ${init.stderr || init.stdout || String(init.error)}`)

  let port = 0
  let current: ChildProcess | undefined

  async function launch(): Promise<ChildProcess> {
    const child = spawn(
      join(bin as string, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        sockets,
        '-h',
        '127.0.0.1',
        '-F', // fsync off: a test server, speed over durability against power loss
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
        '-c',
        'shared_buffers=32MB',
      ],
      { env, stdio: ['ignore', 'ignore', 'pipe'], ...(ids ?? {}), cwd: dir },
    )
    live.add(child)
    let stderr = ''
    let exited = false
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000)
    })
    child.once('exit', () => {
      exited = true
      live.delete(child)
    })
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline) {
      if (exited) throw new Error(`postgres on port ${port} exited at start: ${stderr.trim()}`)
      if (await ready(port)) return child
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    child.kill('SIGKILL')
    throw new Error(`postgres on port ${port} did not accept connections within 20 s: ${stderr.trim()}`)
  }

  let lastError: unknown
  // the free port can be taken between probing and binding it: try a few
  for (let attempt = 0; attempt < 5 && current === undefined; attempt++) {
    port = await freePort()
    try {
      current = await launch()
    } catch (error) {
      lastError = error
    }
  }
  if (current === undefined) {
    rmSync(dir, { recursive: true, force: true })
    throw lastError
  }

  async function terminate(signal: 'SIGINT' | 'SIGKILL'): Promise<void> {
    if (current === undefined) return
    const child = current
    current = undefined
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }

  return {
    host: '127.0.0.1',
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    get pid() {
      return current?.pid
    },
    stop: () => terminate('SIGINT'),
    kill: () => terminate('SIGKILL'),
    async start() {
      if (current !== undefined) return
      current = await launch()
    },
    async destroy() {
      await terminate('SIGINT')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
