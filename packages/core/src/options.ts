import type { ProviderOptions } from './provider.js'
import type { ProviderConfig, VerifierOptions } from './verify.js'

/**
 * Levenshtein distance, capped: names are short and compared once at startup.
 */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0] as number
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j] as number
      prev[j] = Math.min(above + 1, (prev[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return prev[b.length] as number
}

/**
 * The candidate closest to `word` (case-insensitive, or one that starts with it), or `undefined`
 * when none is close enough to be a typo of it.
 *
 * @example
 * didYouMean('tolerance', ['toleranceSeconds', 'leaseSeconds']) // 'toleranceSeconds'
 * didYouMean('orchestra', ['orchest', 'github']) // 'orchest'
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase()
  let best: string | undefined
  let bestScore = Number.POSITIVE_INFINITY
  for (const c of candidates) {
    const cl = c.toLowerCase()
    // a prefix (tolerance → toleranceSeconds) or the same letters in another case count as close
    const score = cl === lower ? 0 : lower.length >= 4 && (cl.startsWith(lower) || lower.startsWith(cl)) ? 1 : distance(lower, cl)
    if (score < bestScore) {
      best = c
      bestScore = score
    }
  }
  const allowed = Math.max(2, Math.floor(lower.length / 3))
  return bestScore <= allowed ? best : undefined
}

const PROVIDER_OPTION_KEYS = {
  allowUnsignedBody: true,
  allowUnsignedTimestamp: true,
  allowLegacySha1: true,
  xplentyScheme: true,
  xplentyMetadata: true,
} as const satisfies Record<keyof ProviderOptions, true>

/** Every key of {@link VerifierOptions}; the compiler keeps this list complete. */
const VERIFIER_OPTION_KEYS = {
  ...PROVIDER_OPTION_KEYS,
  provider: true,
  providers: true,
  secret: true,
  secrets: true,
  toleranceSeconds: true,
  replayStore: true,
  leaseSeconds: true,
  maxHoldSeconds: true,
  replayTtlSeconds: true,
  deliveryKey: true,
  keyDeliveries: true,
  now: true,
  signedUrl: true,
  parse: true,
  logger: true,
} as const satisfies Record<keyof VerifierOptions, true>

/**
 * The option names `createVerifier` (and `verify`, `verifyRequest`, `verifyLambdaEvent` with an
 * options object) accepts.
 *
 * @example
 * VERIFIER_OPTIONS.includes('toleranceSeconds') // true
 */
export const VERIFIER_OPTIONS: readonly string[] = Object.freeze(Object.keys(VERIFIER_OPTION_KEYS))

const CONFIG_KEYS = { provider: true, secret: true, secrets: true } as const satisfies Record<keyof ProviderConfig, true>

/**
 * Throws `TypeError` for a key not in `known`, naming the closest known key: an option that is
 * misspelt (`tolerance: 10`) would otherwise be ignored and the default used without a word.
 * Adapters remove their own options (`limit`, `publicUrl`, `bodyTimeoutMs`, …) before the flow
 * sees the rest.
 *
 * @example
 * checkOptionKeys({ tolerance: 10 }, VERIFIER_OPTIONS, 'createVerifier')
 * // TypeError: createVerifier: unknown option "tolerance" (did you mean "toleranceSeconds"?)
 */
export function checkOptionKeys(options: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue
    if ((options as Record<string, unknown>)[key] === undefined) continue // `{ ...defaults, x: undefined }` is harmless
    const near = didYouMean(key, known)
    throw new TypeError(
      `${where}: unknown option "${key}"${near === undefined ? `. Known options: ${known.join(', ')}` : ` (did you mean "${near}"?)`}`,
    )
  }
}

/**
 * Checks the verifier's option keys, and those of each `providers: [{ provider, secret }]` entry.
 *
 * @example
 * checkVerifierOptions({ provider: 'orchest', secret, tolerance: 10 }) // throws TypeError naming toleranceSeconds
 */
export function checkVerifierOptions(options: object): void {
  checkOptionKeys(options, VERIFIER_OPTIONS, 'createVerifier')
  const list = (options as { providers?: unknown }).providers
  if (!Array.isArray(list)) return
  for (const item of list) {
    if (typeof item === 'object' && item !== null && 'provider' in item) {
      checkOptionKeys(item, Object.keys(CONFIG_KEYS), 'providers[]')
    }
  }
}

/**
 * Above this, a `toleranceSeconds` is more likely milliseconds than seconds (2 h 46 min).
 *
 * @example
 * createVerifier({ provider: 'up42', secret, toleranceSeconds: TOLERANCE_LOOKS_LIKE_MS }) // warns once
 */
export const TOLERANCE_LOOKS_LIKE_MS = 10_000

/**
 * The startup warning for a tolerance that looks like milliseconds, or `undefined`.
 *
 * @example
 * toleranceWarning(300_000) // 'hookproof: toleranceSeconds is 300000 s (3.5 days) ...'
 */
export function toleranceWarning(seconds: number | undefined): string | undefined {
  if (seconds === undefined || !(seconds >= TOLERANCE_LOOKS_LIKE_MS) || !Number.isFinite(seconds)) return undefined
  const days = seconds / 86_400
  const span = days >= 1 ? `${Number(days.toFixed(1))} days` : `${Number((seconds / 3600).toFixed(1))} h`
  return `hookproof: toleranceSeconds is ${seconds} s (${span}); it is in seconds, not ms: did you mean ${seconds / 1000}? A tolerance this wide lets a captured delivery be replayed for that long`
}

/**
 * @internal A positive number of seconds from the options, or `fallback` when unset; `TypeError` otherwise.
 *
 * @example
 * const leaseMs = positive('leaseSeconds', options.leaseSeconds, 60) * 1000
 */
export function positive(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive number of seconds, got ${String(value)}`)
  }
  return value
}
