import type * as OnDemand from './on-demand.js'

/**
 * `on-demand.ts` once loaded: a per-request caller uses it directly, with no Promise around the
 * call, and waits for {@link loadOnDemand} only the first time. One cache for every caller (the
 * rejection log, the form reader, the claim step, signing, hints), so the module is imported once.
 * This file imports `on-demand.ts` only dynamically: a static import would put it in the start bundle.
 */
export let onDemand: typeof OnDemand | undefined

/** Loads `on-demand.ts` (a lazy chunk in a split bundle) and keeps it in {@link onDemand}. */
export function loadOnDemand(): Promise<typeof OnDemand> {
  return import('./on-demand.js').then((m) => (onDemand = m))
}
