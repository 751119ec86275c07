#!/usr/bin/env node
/**
 * `hookproof-send`: signed webhook deliveries from the command line. Run `hookproof-send --help`.
 * From a checkout: `node --import tsx packages/mock-sender/src/cli/hookproof-send.ts --help`.
 */
import { runCli } from './run-send.js'

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`hookproof-send: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exitCode = 2
  },
)
