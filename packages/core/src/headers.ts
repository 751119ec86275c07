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
    const strings: string[] = []
    for (const v of value)
      if (typeof v === 'string') strings.push(v)
      else if (typeof v === 'number') strings.push(String(v))
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
      // every spelling of the name counts: two of them are a duplicate, not an override
      const found: unknown[] = []
      for (const [k, v] of headers) if (typeof k === 'string' && k.toLowerCase() === name) collect(found, v)
      return fromList(found)
    }
  }
  const record = headers as Record<string, unknown>
  // null: every key is lowercase already (Node's headers, Lambda v2), so a direct read is complete
  let folded: Map<string, unknown[]> | null | undefined
  return (name) => {
    if (folded === undefined) folded = fold(record)
    if (folded === null) return coerce(Object.hasOwn(record, name) ? record[name] : undefined)
    const list = folded.get(name)
    return list === undefined ? undefined : fromList(list)
  }
}

/** Appends a header value (or each value of an array) to a list: linear, however many copies arrive. */
function collect(list: unknown[], value: unknown): void {
  if (value === undefined || value === null) return
  if (Array.isArray(value)) for (const v of value) list.push(v)
  else list.push(value)
}

function fromList(list: unknown[]): string | string[] | undefined {
  if (list.length === 0) return undefined
  return list.length === 1 ? coerce(list[0]) : coerce(list)
}

/** Groups a record's keys by lowercase name, or `null` when no key has an upper-case letter. */
function fold(record: Record<string, unknown>): Map<string, unknown[]> | null {
  const keys = Object.keys(record)
  let mixed = false
  for (const key of keys) {
    if (key !== key.toLowerCase()) {
      mixed = true
      break
    }
  }
  if (!mixed) return null
  const map = new Map<string, unknown[]>()
  for (const key of keys) {
    const k = key.toLowerCase()
    let list = map.get(k)
    if (list === undefined) {
      list = []
      map.set(k, list)
    }
    collect(list, record[key])
  }
  return map
}
