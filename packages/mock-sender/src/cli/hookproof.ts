#!/usr/bin/env node
/**
 * `hookproof`: `dev` (capture, inspect and replay deliveries in a local page), `send`,
 * `conformance`, `list`. Run `hookproof --help`.
 * From a checkout: `node --import tsx packages/mock-sender/src/cli/hookproof.ts --help`.
 */
import { runHookproof } from './run.js'

runHookproof(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`hookproof: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exitCode = 2
  },
)
