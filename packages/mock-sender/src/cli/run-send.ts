/**
 * `hookproof-send`, as a function: parses argv, sends, prints, and returns the exit code
 * (0 every request got the answer its case calls for, 1 some did not, 2 bad usage or an
 * unreachable URL, 3 none did wrong but some cases could not be judged). `hookproof-send.ts` only calls it,
 * so tests and the demo can run it in-process too.
 */
import { parseArgs } from 'node:util'
import { MOCK_PROVIDERS } from '../delivery.js'
import { type CliIo, checkProvider, OPTIONS, UsageError, type Values } from './common.js'
import { conformanceCommand } from './conformance.js'
import { listCommand } from './list.js'
import { sendCommand } from './send.js'
import { withSuggestion } from './usage.js'

export type { CliIo } from './common.js'
export { EXIT_INCONCLUSIVE } from './common.js'

export const USAGE = `hookproof-send: send signed webhook deliveries as the vendor would, with faults.

Usage:
  hookproof-send <provider> --url <url> --secret <secret> [options]
  hookproof-send conformance <provider> --url <url> --secret <secret> [options]
  hookproof-send --list providers | faults | events <provider>

Providers: ${MOCK_PROVIDERS.join(', ')}

Send options:
  --event <type>            vendor event name (default: the provider's first; see --list events)
  --method <m>              Designer Cloud only: POST (default), PUT, PATCH, GET or DELETE
  --fault <name>            send a fault instead of a valid delivery (see --list faults)
  --previous-secret <s>     the receiver's previous secret (needed by --fault rotated-secret)
  --repeat <n>              send n deliveries, each with its own id (default 1)
  --concurrency <c>         deliveries in flight at once (default 1)
  --retry vendor            retry non-2xx like the vendor (Orchest: min(2^n, 3600) s, no maximum)
  --retries <n>             retry up to n times (Orchest-style backoff unless --retry-delay)
  --retry-delay <ms>        fixed wait between retries
  --max-attempts <n>        stop after n attempts (default 6 with --retry vendor)
  --timeout <ms>            per attempt (default the vendor's: Orchest 5000, Designer Cloud 30000)
  --tolerance <s>           the receiver's timestamp tolerance (default 300)
  --print curl|http         print the request(s) instead of sending them
  --seed <s>                reproducible delivery ids and bodies
  --progress                progress line on stderr even when it is not a terminal
  --json                    machine-readable result on stdout

Conformance options (the valid case and every fault that applies):
  --previous-secret <s>     also checks a delivery signed with it is accepted
  --counter-url <url>       GET endpoint answering the handler's run count ({"count": n});
                            without it, handler runs are "not observable"
  --event, --method, --tolerance, --timeout, --concurrency, --seed, --json, --progress as above

A correct receiver is judged by what it must do: any 2xx accepts, any 4xx rejects (hookproof's
own status and code are shown beside it). A duplicate acknowledged twice cannot be judged without
--counter-url: it is INCONCLUSIVE, never ok.

The secret may come from the environment instead of --secret: the provider's variable
(ORCHEST_WEBHOOK_SECRET, ..., STANDARD_WEBHOOKS_WEBHOOK_SECRET; <NAME>_PREVIOUS for the previous one).

Exit codes: 0 every request got the answer its case calls for (2xx for a valid delivery, the
fault's rejection for a fault); 1 some did not; 2 bad usage or the URL cannot be reached;
3 none did wrong, but some cases are inconclusive (add --counter-url).

Examples:
  hookproof-send orchest --url http://127.0.0.1:3000/webhooks/orchest --secret s3cret
  hookproof-send up42 --url http://127.0.0.1:3000/webhooks/up42 --secret s3cret --fault stale-timestamp
  hookproof-send github --url http://127.0.0.1:3000/webhooks/github --secret s3cret \\
      --fault concurrent-duplicate --repeat 50 --concurrency 10
  hookproof-send orchest --url https://example.com/hook --secret s3cret --retry vendor --max-attempts 4
  hookproof-send designer-cloud --url http://127.0.0.1:3000/hook --secret s3cret --print curl
  hookproof-send conformance orchest --url http://127.0.0.1:3000/webhooks/orchest \\
      --secret s3cret --previous-secret old --counter-url http://127.0.0.1:3000/handled
`

/**
 * Runs `hookproof-send` with `argv` (without `node` and the script) and resolves to its exit code.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2))
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  try {
    let parsed: { values: Values; positionals: string[] }
    try {
      parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true })
    } catch (error) {
      throw new UsageError(withSuggestion((error as Error).message, Object.keys(OPTIONS)))
    }
    const { values, positionals } = parsed
    if (values.help === true) {
      io.stdout.write(USAGE)
      return 0
    }
    if (values.list === true) return await listCommand(positionals, io)
    if (positionals.length === 0) throw new UsageError('a provider is required')
    if (positionals[0] === 'conformance') {
      if (positionals.length > 2) throw new UsageError(`unexpected argument: ${positionals[2]}`)
      return await conformanceCommand(checkProvider(positionals[1]), values, io)
    }
    if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}`)
    if (values['counter-url'] !== undefined) throw new UsageError('--counter-url applies to conformance only')
    return await sendCommand(checkProvider(positionals[0]), values, io)
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError) {
      io.stderr.write(`hookproof-send: ${error.message}\nRun hookproof-send --help for usage.\n`)
      return 2
    }
    throw error
  }
}
