/**
 * `hookproof`, as a function: `dev` (the inspector), and `send`, `conformance`, `list`, which are
 * `hookproof-send`'s commands under one name. `hookproof.ts` only calls it; each command is its own file.
 */
import { UsageError } from './common.js'
import { devCommand, type HookproofIo } from './dev.js'
import { hookproofList } from './list.js'
import { runCli } from './run-send.js'

export type { HookproofIo } from './dev.js'
export { devSecrets } from './dev.js'

/**
 * What `hookproof --help` prints.
 *
 * @example
 * process.stdout.write(HOOKPROOF_USAGE)
 */
export const HOOKPROOF_USAGE = `hookproof: capture, inspect, replay and send signed webhook deliveries.

Usage:
  hookproof dev [--port 4400] [--forward <app url>] [--secret <provider>=<secret> ...] [options]
  hookproof send <provider> --url <url> --secret <secret> [options]    (hookproof-send --help)
  hookproof conformance <provider> --url <url> --secret <secret> [options]
  hookproof list [providers | events <provider> | faults]

dev: a local receiver and a page at http://127.0.0.1:4400/. Each delivery to /<provider> (or any
other path, the provider detected) is verified with your secrets, kept byte-exact in --dir,
forwarded byte-exact to --forward (its path appended), and shown with its verdict, hints and
the app's answer. The vendor gets the app's status, or the one forced from the page.

dev options:
  --port <n>                default 4400 (0: a free port)
  --host <addr>             default 127.0.0.1; anything else exposes the captured deliveries
  --forward <url>           your app's webhook URL, e.g. http://127.0.0.1:3000/webhooks
  --secret <provider>=<s>   repeatable; default from ORCHEST_WEBHOOK_SECRET, ..., STANDARD_WEBHOOKS_WEBHOOK_SECRET
                            (<NAME>_PREVIOUS adds the previous secret)
  --dir <path>              where deliveries are kept (default .hookproof)
  --max-deliveries <n>      keep at most n deliveries, oldest dropped (default 1000)
  --max-bytes <n>           keep at most n body bytes (default 104857600)
  --tolerance <s>           timestamp tolerance of the verifier (default 300)
  --forward-timeout <ms>    how long to wait for the app (default 30000)

A real vendor reaches it through any tunnel to 127.0.0.1:4400 (cloudflared, ngrok, ssh -R):
set the vendor's webhook URL to https://<tunnel>/<provider>.

Examples:
  ORCHEST_WEBHOOK_SECRET=s3cret hookproof dev --forward http://127.0.0.1:3000/webhooks
  hookproof send orchest --url http://127.0.0.1:4400/orchest --secret s3cret --fault tampered-body
  hookproof list
`

/**
 * Runs `hookproof` with `argv` (without `node` and the script) and resolves to its exit code
 * (`dev` resolves when it is stopped).
 *
 * @example
 * process.exitCode = await runHookproof(process.argv.slice(2))
 */
export async function runHookproof(
  argv: readonly string[],
  io: HookproofIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'dev':
        return await devCommand(rest, io, HOOKPROOF_USAGE)
      case 'send':
        return await runCli(rest, io)
      case 'conformance':
        return await runCli(argv, io)
      case 'list':
        return await hookproofList(rest, io)
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(HOOKPROOF_USAGE)
        return command === undefined ? 2 : 0
      default:
        throw new UsageError(`unknown command "${command}": one of dev, send, conformance, list`)
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`hookproof: ${error.message}\nRun hookproof --help for usage.\n`)
      return 2
    }
    throw error
  }
}
