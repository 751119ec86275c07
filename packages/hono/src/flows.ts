import { MemoryReplayStore, optionsFromEnv, providers, type VerifierOptions } from '@hookproof/core'
import { createWebhookFlow, type WebhookEvent, type WebhookFlow, type WebhookFlowOptions } from '@hookproof/core/adapter'
import type { Context } from 'hono'
import type { SecretSource } from './types.js'

type EventType = WebhookEvent['type']
type Listener = (event: WebhookEvent) => void

/** Where the middleware's flow comes from: one built at startup, or one per secret value seen in requests. */
export interface FlowSource {
  /** The flow for this request; throws `TypeError` when its secret (a binding) is missing. */
  flowFor(c: Context): WebhookFlow
  on: WebhookFlow['on']
}

// every *_WEBHOOK_SECRET name core reads, with its rotated-out _PREVIOUS
const ENV_NAMES = Object.values(providers)
  .map((p) => (p as { envVar?: string }).envVar)
  .filter((name): name is string => typeof name === 'string')
  .flatMap((name) => [name, `${name}_PREVIOUS`])

const STAND_IN = 'whsec_c3RhcnR1cC1jaGVjaw=='

/** A flow cache of this size holds every secret an app rotates through; past it the oldest goes. */
const MAX_FLOWS = 16

/**
 * Builds the flow once at startup when the secrets are known then (options, or `process.env` for
 * the zero-argument form). With a `secret`/`secrets` function, or with no options on a runtime
 * without `process` (Workers without nodejs_compat, whose secrets are bindings in `c.env`), the
 * secrets are read per request and a flow is built per distinct value, all sharing one replay
 * store and one set of listeners. Everything but the secrets is still checked at startup.
 */
export function flowSource(
  options: Omit<WebhookFlowOptions, 'secret' | 'secrets'>,
  secret: SecretSource,
  secrets: SecretSource,
): FlowSource {
  const perRequest = typeof secret === 'function' || typeof secrets === 'function'
  const zeroArgument = options.provider === undefined && options.providers === undefined && secret === undefined && secrets === undefined
  const fromBindings = zeroArgument && (globalThis as { process?: { env?: object } }).process?.env === undefined
  if (!perRequest && !fromBindings) {
    const flow = createWebhookFlow({ ...options, ...defined({ secret, secrets }) } as WebhookFlowOptions)
    return { flowFor: () => flow, on: flow.on }
  }
  const shared = { ...options, replayStore: options.replayStore ?? new MemoryReplayStore() }
  // a stand-in secret for the startup check: a bad provider, option or router throws now, not per request
  const standIn = fromBindings ? optionsFromEnv(Object.fromEntries(ENV_NAMES.map((n) => [n, STAND_IN]))) : { secret: STAND_IN }
  createWebhookFlow({ ...shared, ...standIn })
  const listeners = new Map<EventType, Set<Listener>>(['verified', 'rejected', 'duplicate'].map((t) => [t as EventType, new Set()]))
  const flows = new Map<string, WebhookFlow>()

  function flowFor(c: Context): WebhookFlow {
    const resolved = fromBindings ? bindings(c) : defined({ secret: resolveSecret(secret, c), secrets: resolveSecret(secrets, c) })
    const key = JSON.stringify(resolved)
    let flow = flows.get(key)
    if (flow === undefined) {
      const verifierOptions: VerifierOptions = fromBindings
        ? optionsFromEnv(resolved as Record<string, string>)
        : (resolved as VerifierOptions)
      flow = createWebhookFlow({ ...shared, ...verifierOptions } as WebhookFlowOptions)
      for (const [type, set] of listeners) flow.on(type, (event) => dispatch(set, event))
      if (flows.size >= MAX_FLOWS) flows.delete(flows.keys().next().value as string)
      flows.set(key, flow)
    }
    return flow
  }

  function on(type: EventType, listener: Listener): () => void {
    const set = listeners.get(type)
    if (set === undefined || typeof listener !== 'function') {
      throw new TypeError(`on(type, listener): type is 'verified', 'rejected' or 'duplicate'`)
    }
    set.add(listener)
    return () => {
      set.delete(listener)
    }
  }

  return { flowFor, on }
}

function resolveSecret(source: SecretSource, c: Context): string | readonly string[] | undefined {
  return typeof source === 'function' ? source(c) : source
}

/** The `*_WEBHOOK_SECRET` bindings of a Worker (`c.env`), by name. */
function bindings(c: Context): Record<string, string> {
  const env = (c.env ?? {}) as Record<string, unknown>
  const out: Record<string, string> = {}
  for (const name of ENV_NAMES) if (typeof env[name] === 'string') out[name] = env[name]
  return out
}

function defined<T extends object>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Partial<T>
}

function dispatch(set: Set<Listener>, event: WebhookEvent): void {
  for (const listener of set) {
    try {
      listener(event)
    } catch {
      // a broken listener must not keep the others from the event, nor fail the delivery
    }
  }
}
