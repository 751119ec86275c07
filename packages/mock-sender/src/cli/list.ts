/**
 * `hookproof-send --list` and `hookproof list`: providers, events and faults, all read from the
 * registry and the fault rows.
 */
import { type Provider, providers } from '@hookproof/core'
import { MOCK_PROVIDERS } from '../delivery.js'
import { EVENT_TYPES } from '../events.js'
import { FAULTS, faultsFor } from '../faults/faults.js'
import { type CliIo, checkProvider, UsageError } from './common.js'
import { formatTable } from './table.js'

/**
 * The `--list faults` table: each fault, the registry providers it applies to (read from their
 * rows) and what it sends.
 */
export async function faultTable(): Promise<string> {
  const scopes = await Promise.all(MOCK_PROVIDERS.map(async (p) => [p, await faultsFor(p)] as const))
  const rows = FAULTS.map((f) => {
    const to = scopes.filter(([, faults]) => faults.includes(f)).map(([p]) => p)
    return [f.name, to.length === MOCK_PROVIDERS.length ? 'all' : to.join(', '), f.summary]
  })
  return formatTable(['fault', 'applies to', 'what it sends'], rows)
}

/** `hookproof-send --list providers | faults | events <provider>`. */
export async function listCommand(positionals: string[], io: CliIo): Promise<number> {
  const [what, provider] = positionals
  if (what === 'providers') io.stdout.write(`${MOCK_PROVIDERS.join('\n')}\n`)
  else if (what === 'faults') io.stdout.write(`${await faultTable()}\n`)
  else if (what === 'events' && provider !== undefined) {
    io.stdout.write(`${EVENT_TYPES[checkProvider(provider)].join('\n')}\n`)
  } else throw new UsageError('--list takes providers, faults or events <provider>')
  return 0
}

const registry = providers as unknown as Record<string, Provider>

/** `hookproof list`: the providers with their secret variable, signature header and event count, then the faults; with arguments, `--list`. */
export async function hookproofList(rest: readonly string[], io: CliIo): Promise<number> {
  if (rest.length > 0) return listCommand([...rest], io)
  const rows = Object.values(registry).map((p) => [
    p.name,
    p.envVar ?? '',
    p.signatureHeaders.join(', '),
    String(EVENT_TYPES[p.name as keyof typeof EVENT_TYPES]?.length ?? 0),
  ])
  io.stdout.write(`${formatTable(['provider', 'secret variable', 'signature header', 'events'], rows)}\n\n`)
  io.stdout.write(`${await faultTable()}\n`)
  io.stdout.write('\nhookproof list events <provider> lists the event names.\n')
  return 0
}
