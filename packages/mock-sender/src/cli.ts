#!/usr/bin/env node
/**
 * `hookproof-send`: placeholder until delivery lands (issue 5, second half). It already lists the
 * providers, events and faults the library knows, so scripts can discover them.
 */
import { MOCK_PROVIDERS } from './delivery.js'
import { EVENT_TYPES } from './events.js'
import { FAULTS } from './faults.js'

const USAGE = `Usage: hookproof-send <provider> --url <url> --secret <secret> [--event <type>] [--fault <name>]

Sending is not implemented yet in this build; these lists are:
  hookproof-send --list providers | events <provider> | faults
`

function main(argv: string[]): number {
  const [first, second, third] = argv
  if (first === '--help' || first === '-h' || first === undefined) {
    process.stdout.write(USAGE)
    return first === undefined ? 2 : 0
  }
  if (first === '--list') {
    if (second === 'providers') process.stdout.write(`${MOCK_PROVIDERS.join('\n')}\n`)
    else if (second === 'faults') process.stdout.write(`${FAULTS.map((f) => `${f.name}\t${f.summary}`).join('\n')}\n`)
    else if (second === 'events' && third !== undefined && third in EVENT_TYPES) {
      process.stdout.write(`${EVENT_TYPES[third as keyof typeof EVENT_TYPES].join('\n')}\n`)
    } else {
      process.stderr.write(`hookproof-send: --list takes providers, faults or events <provider>\n`)
      return 2
    }
    return 0
  }
  process.stderr.write('hookproof-send: sending is not implemented yet\n')
  return 2
}

process.exitCode = main(process.argv.slice(2))
