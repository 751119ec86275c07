/**
 * Case-insensitive header lookup over a Fetch `Headers`, Node's `IncomingHttpHeaders` (or
 * `headersDistinct`) and plain records. A header sent several times comes back as an array.
 *
 * @example
 * await verifier.verify({ body, headers: request.headers }) // Fetch Headers
 * await verifier.verify({ body, headers: req.headersDistinct }) // Node: a repeated header stays visible
 * await verifier.verify({ body, headers: { 'X-Hub-Signature': signature } }) // any casing
 */
export type HeadersInput =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | number | undefined | null>>

/** Reads one header by lowercase name. */
export type HeaderLookup = (name: string) => string | string[] | undefined

function coerce(value: unknown): string | string[] | undefined {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) {
    const strings = value.filter((v): v is string => typeof v === 'string')
    if (strings.length === 0) return undefined
    return strings.length === 1 ? strings[0] : strings
  }
  if (typeof value === 'number') return String(value)
  return undefined
}

/** A lookup function for any accepted headers shape; never throws. */
export function headerLookup(headers: unknown): HeaderLookup {
  if (headers === null || typeof headers !== 'object') return () => undefined
  const h = headers as { get?: unknown }
  if (typeof h.get === 'function' && !(headers instanceof Map)) {
    const fetchHeaders = headers as { get(name: string): string | null }
    return (name) => {
      try {
        return fetchHeaders.get(name) ?? undefined
      } catch {
        return undefined
      }
    }
  }
  if (headers instanceof Map) {
    return (name) => {
      for (const [k, v] of headers) if (typeof k === 'string' && k.toLowerCase() === name) return coerce(v)
      return undefined
    }
  }
  const record = headers as Record<string, unknown>
  let lower: Map<string, unknown> | undefined
  return (name) => {
    const direct = Object.hasOwn(record, name) ? record[name] : undefined
    if (direct !== undefined) return coerce(direct)
    if (lower === undefined) {
      lower = new Map()
      for (const key of Object.keys(record)) {
        const k = key.toLowerCase()
        const prev = lower.get(k)
        const value = record[key]
        // the same header under two spellings is a duplicate, not an override
        lower.set(k, prev === undefined ? value : ([] as unknown[]).concat(prev, value))
      }
    }
    return coerce(lower.get(name))
  }
}
