/**
 * What the docs say of a provider, beside its row: the generated tables of the READMEs
 * (`npm run docs:providers`) read it, the verifier never does. A row file exports it as `about`;
 * a bundler drops it from any program that does not import it.
 *
 * @example
 * export const about = {
 *   value: '`v1=<hex>`', signed: '`timestamp.body`', timestamp: '`X-Acme-Timestamp`, s',
 *   dedupKey: '`X-Acme-Delivery`', retries: '3 times, an hour apart', ttlWhy: 'covers the retries',
 * } satisfies ProviderAbout
 */
export interface ProviderAbout {
  /** The signature header's value, as its grammar (Markdown). */
  readonly value: string
  /** The bytes the MAC covers. */
  readonly signed: string
  /** Where the signed time is and its unit; `'none'` when the scheme signs none. */
  readonly timestamp: string
  /** What dedup keys on. */
  readonly dedupKey: string
  /** The sender's retry policy, as far as it is published. */
  readonly retries: string
  /** Why the default replay TTL is what it is. */
  readonly ttlWhy: string
  /** Typed events, when the router knows them. */
  readonly events?: {
    readonly names: string
    readonly payload: string
    readonly routedOn: string
  }
}
