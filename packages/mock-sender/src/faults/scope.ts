/**
 * What decides which faults a provider gets, read from its row and never from a list of names:
 * whether its signature covers a time, and whether a repeated delivery can be recognised.
 */
import type { Provider } from '@hookproof/core'
import { SEEDED_NOW } from '../delivery.js'
import { signDelivery } from '../sign.js'
import { vendorOf } from '../vendors/index.js'

/**
 * The facts of one row that fault scopes read.
 *
 * @example
 * const facts: RowFacts = await rowFacts(providers.orchest) // { signsTimestamp: false, dedupKey: true }
 */
export interface RowFacts {
  /** The signature covers a time, so a stale or future one is rejected (timestamp faults). */
  readonly signsTimestamp: boolean
  /** A copy can be told from a new delivery: the row reads a delivery id, or dedups on the signature (duplicate faults). */
  readonly dedupKey: boolean
}

const cache = new WeakMap<Provider, Promise<RowFacts>>()
/** Secrets to probe with: a plain one, and a well-formed `whsec_` key for rows that want one. */
const PROBE_SECRETS = ['hookproof-probe-secret', 'whsec_cHJvYmUtcHJvYmUtcHJvYmUtcHJvYmUt']
const HOUR_MS = 3_600_000

/**
 * The row's facts. `signsTimestamp` holds when the row declares a timestamp unit, or when its
 * `sign` gives another signature for the same delivery an hour later (UP42 signs a `Date` header,
 * a user's row may sign anything): the signature value is what a receiver checks, so it decides.
 *
 * @example
 * (await rowFacts(providers.up42)).signsTimestamp // true: the signed Date changes with the clock
 */
export function rowFacts(row: Provider): Promise<RowFacts> {
  let facts = cache.get(row)
  if (facts === undefined) {
    facts = probe(row)
    cache.set(row, facts)
    // a failed probe (a row whose sign throws) is not remembered: the next call says why again
    facts.catch(() => cache.delete(row))
  }
  return facts
}

async function probe(row: Provider): Promise<RowFacts> {
  const dedupKey = row.deliveryId !== undefined || row.dedupFallback === 'signature'
  if (row.timestampUnit !== undefined) return { signsTimestamp: true, dedupKey }
  const delivery = vendorOf(row).vendor.create({ seed: 'hookproof-probe', now: SEEDED_NOW })
  const names = row.signatureHeaders.map((h) => h.toLowerCase())
  const signatureAt = async (secret: string, now: number): Promise<string> => {
    const signed = await signDelivery({ ...delivery, row }, { secret, now, url: 'https://probe.invalid/hook' })
    return JSON.stringify(Object.entries(signed.signatureHeaders).filter(([k]) => names.includes(k.toLowerCase())))
  }
  let lastError: unknown
  for (const secret of PROBE_SECRETS) {
    try {
      const first = await signatureAt(secret, SEEDED_NOW)
      // a scheme with a random nonce differs even at one instant: then the clock proves nothing
      if (first !== (await signatureAt(secret, SEEDED_NOW))) return { signsTimestamp: false, dedupKey }
      return { signsTimestamp: first !== (await signatureAt(secret, SEEDED_NOW + HOUR_MS)), dedupKey }
    } catch (error) {
      lastError = error
    }
  }
  throw new TypeError(`cannot tell whether ${row.name} signs a timestamp: its sign() threw ${String(lastError)}`, {
    cause: lastError,
  })
}
