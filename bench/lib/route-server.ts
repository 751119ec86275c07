/**
 * One route's server in a child process (bench/http/server.ts), as the profiling scripts start
 * it: `forkRoute` waits for the port it listens on, `cpuOf` reads its CPU time over IPC.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { NEXT_BENCH_APP } from '../http/next-app.js'
import { buildNextApp } from './next.js'

const serverScript = fileURLToPath(new URL('../http/server.ts', import.meta.url))

/**
 * Starts `bench/http/server.ts <framework> <route>` with `execArgv` (tsx is added) and `env`
 * (the Next frameworks build the bench's Next app first, unless a build of its inputs is there);
 * resolves once it listens, rejects with the reason it skipped (a framework not installed).
 *
 * @example
 * const { child, port } = await forkRoute('express', 'hand')
 */
export async function forkRoute(
  framework: string,
  route: string,
  execArgv: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; port: number }> {
  // the Next routes serve the bench's built app: `next build` once, cached while its inputs are unchanged
  if (framework.startsWith('next-')) buildNextApp(fileURLToPath(new URL('../next-app/', import.meta.url)), NEXT_BENCH_APP)
  const child = fork(serverScript, [framework, route], {
    execArgv: [...execArgv, '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env,
  })
  const port = await new Promise<number>((resolve, reject) =>
    child.once('message', (m: { port?: number; skip?: string }) => (m.port ? resolve(m.port) : reject(new Error(m.skip)))),
  )
  return { child, port }
}

/** The server's own CPU time so far, µs (user + system), from bench/http/server.ts over IPC. */
export function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m: { cpuUs?: number }) => resolve(m.cpuUs ?? Number.NaN))
    child.send({ cmd: 'stats' })
  })
}
