import { createVerifier, MemoryReplayStore, type Verifier, type VerifierOptions } from '@hookproof/core'

/** Worker bindings (`wrangler secret put …`) or, for the Hono app on Node/Bun/Deno, the process env. */
export interface Env {
  ORCHEST_WEBHOOK_SECRET?: string
  DESIGNER_CLOUD_WEBHOOK_SECRET?: string
  /** Tests only: a fixed clock in ms, to replay recorded deliveries such as the published vectors. */
  HOOKPROOF_NOW?: string
}

export interface Verifiers {
  orchest: Verifier
  designerCloud: Verifier
}

// One set per isolate and configuration: keys are imported on first use, then reused by every request.
const cache = new Map<string, Verifiers>()

/**
 * The verifiers for one environment, built on the first request (Workers pass `env` to `fetch`,
 * not to module scope). A missing secret throws a TypeError naming it.
 */
export function verifiersFor(env: Env): Verifiers {
  const key = JSON.stringify([env.ORCHEST_WEBHOOK_SECRET, env.DESIGNER_CLOUD_WEBHOOK_SECRET, env.HOOKPROOF_NOW])
  let verifiers = cache.get(key)
  if (verifiers === undefined) {
    const fixed = env.HOOKPROOF_NOW === undefined ? undefined : Number(env.HOOKPROOF_NOW)
    const common: VerifierOptions = {
      // Orchest retries forever with the same X-Orchest-Delivery: process each delivery once.
      // In memory this holds per isolate; share @hookproof/redis (or a Durable Object) across them.
      replayStore: new MemoryReplayStore(),
      ...(fixed === undefined ? {} : { now: () => fixed }),
    }
    verifiers = {
      orchest: createVerifier({ ...common, provider: 'orchest', secret: env.ORCHEST_WEBHOOK_SECRET }),
      designerCloud: createVerifier({ ...common, provider: 'designer-cloud', secret: env.DESIGNER_CLOUD_WEBHOOK_SECRET }),
    }
    cache.set(key, verifiers)
  }
  return verifiers
}

/** The verifier for a path: one explicit provider per URL, never guessed from headers. */
export function verifierForPath(verifiers: Verifiers, pathname: string): Verifier | undefined {
  if (pathname === '/webhooks/orchest') return verifiers.orchest
  if (pathname === '/webhooks/designer-cloud') return verifiers.designerCloud
  return undefined
}
