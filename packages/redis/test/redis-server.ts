/**
 * A throwaway `redis-server` for tests: a free port on 127.0.0.1, no persistence, stopped
 * afterwards. `stop()`/`start()` and `pause()`/`resume()` let a test take Redis away mid-run.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { createServer, Socket } from 'node:net'

/** The command that makes {@link redisServerAvailable} true on Debian and Ubuntu. */
export const INSTALL_COMMAND = 'apt-get update && apt-get install -y redis-server'

/** `true` when a `redis-server` binary is on the PATH. */
export function redisServerAvailable(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' })
  return probe.error === undefined && probe.status === 0
}

/** A running (or stopped) test server. */
export interface RedisServer {
  readonly host: '127.0.0.1'
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  /** The server process id while it runs. */
  readonly pid: number | undefined
  /** Stops the server (SIGTERM, then SIGKILL after 2 s); resolves once the process has exited. */
  stop(): Promise<void>
  /** Starts it again on the same port; resolves once PING answers. */
  start(): Promise<void>
  /** SIGSTOP: connections stay open but nothing is answered, like a hung server. */
  pause(): void
  /** SIGCONT after {@link pause}. */
  resume(): void
}

const live = new Set<ChildProcess>()
let exitHookInstalled = false

function killAllOnExit(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // a crashed or interrupted test run must not leave servers behind
  process.once('exit', () => {
    for (const child of live) {
      child.kill('SIGCONT')
      child.kill('SIGKILL')
    }
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

/** Sends one inline PING; `true` on `+PONG`. */
function ping(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket()
    let answer = ''
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('error', () => done(false))
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1')
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'))
    })
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'))
  })
}

function spawnServer(port: number): ChildProcess {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  live.add(child)
  child.once('exit', () => live.delete(child))
  return child
}

/** Spawns on `port` and waits for PING; rejects if the process exits first (port taken) or is slow. */
async function launch(port: number): Promise<ChildProcess> {
  const child = spawnServer(port)
  let exited = false
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  child.once('exit', () => {
    exited = true
  })
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (exited) throw new Error(`redis-server on port ${port} exited at start: ${stderr.trim()}`)
    if (await ping(port)) return child
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  child.kill('SIGKILL')
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s`)
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGCONT') // a paused server cannot act on SIGTERM
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 2_000)
  await exited
  clearTimeout(timer)
}

/**
 * Starts a `redis-server` on a free port and waits until it answers PING.
 *
 * @example
 * const server = await startRedisServer()
 * afterAll(() => server.stop())
 */
export async function startRedisServer(): Promise<RedisServer> {
  killAllOnExit()
  let port = 0
  let child: ChildProcess | undefined
  let lastError: unknown
  // the free port can be taken between probing it and redis-server binding it: try a few
  for (let attempt = 0; attempt < 5 && child === undefined; attempt++) {
    port = await freePort()
    try {
      child = await launch(port)
    } catch (error) {
      lastError = error
    }
  }
  if (child === undefined) throw lastError

  let current: ChildProcess | undefined = child
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return current?.pid
    },
    async stop() {
      if (current === undefined) return
      const stopping = current
      current = undefined
      await terminate(stopping)
    },
    async start() {
      if (current !== undefined) return
      current = await launch(port)
    },
    pause() {
      current?.kill('SIGSTOP')
    },
    resume() {
      current?.kill('SIGCONT')
    },
  }
}
