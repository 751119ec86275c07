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

/**
 * Reads one header by lowercase name. `every: true` (for headers that must be sent once) also
 * looks past an exact-lowercase key of a plain record for other spellings of the name, which a
 * plain read skips to stay fast.
 */
export type HeaderLookup = (name: string, every?: boolean) => string | string[] | undefined

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
  // built on the first miss (or the first name found under two spellings), as the old lookup did
  let folded: Map<string, unknown[]> | undefined
  return (name, every) => {
    if (folded === undefined) {
      const direct = Object.hasOwn(record, name) ? record[name] : undefined
      if (direct !== undefined && (every !== true || !otherSpelling(record, name))) return coerce(direct)
      folded = fold(record)
    }
    const list = folded.get(name)
    return list === undefined ? undefined : fromList(list)
  }
}

/** `true` when a key other than `name` lowercases to it; no allocation for keys of another length. */
function otherSpelling(record: Record<string, unknown>, name: string): boolean {
  for (const key in record) if (key.length === name.length && key !== name && key.toLowerCase() === name) return true
  return false
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

/** Groups a record's keys by lowercase name: every spelling of a name is one list. */
function fold(record: Record<string, unknown>): Map<string, unknown[]> {
  const map = new Map<string, unknown[]>()
  for (const key of Object.keys(record)) {
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

/** The parts of Node's `IncomingMessage` that {@link nodeRequestHeaders} reads. */
export interface NodeHeadersSource {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>
  readonly rawHeaders: readonly string[]
  readonly headersDistinct?: Readonly<Record<string, readonly string[] | undefined>>
}

/**
 * A Node request's headers for verification, with a header sent twice still visible as two
 * values: `req.headers` when no name arrived twice (it then reads exactly as
 * `req.headersDistinct`), else `req.headersDistinct`, where Node's `headers` would have joined
 * the copies or kept only the first. `headersDistinct` builds an array per header on first use,
 * ~14 µs per request in the Express bench, and almost no request repeats a name.
 *
 * @example
 * const result = await verifier.check({ body, headers: nodeRequestHeaders(req), method: req.method })
 */
export function nodeRequestHeaders(req: NodeHeadersSource): HeadersInput {
  const headers = req.headers
  const raw = req.rawHeaders
  let names = 0
  let last: string | undefined
  for (const key in headers) {
    names++
    last = key
  }
  // One key per raw header, and the last key is the last raw name: no name was repeated. A key a
  // middleware added would come last (and a repeated name leaves one key fewer than raw headers).
  if (names * 2 === raw.length && (names === 0 || last === raw[raw.length - 2]?.toLowerCase())) return headers
  return req.headersDistinct ?? headers
}
