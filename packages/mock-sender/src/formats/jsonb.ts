/**
 * PostgreSQL `jsonb` key order: shorter keys first, equal lengths by bytes. Orchest stores each
 * event's payload in a `jsonb` column and serialises what it reads back, so real (non-ping)
 * Orchest events list their keys in this order (inferred from PostgreSQL's documented storage).
 *
 * @see https://www.postgresql.org/docs/current/datatype-json.html
 */

const encoder = new TextEncoder()

function compareKeys(a: string, b: string): number {
  const x = encoder.encode(a)
  const y = encoder.encode(b)
  if (x.length !== y.length) return x.length - y.length
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number)
  }
  return 0
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * Returns `value` with the keys of every nested object in `jsonb` order. Integer-like keys (which
 * a JS object would always list first) come back in a `Map` so their place is kept.
 *
 * @example
 * Object.keys(jsonbOrder({ timestamp: 1, type: 2, project: 3, uuid: 4 }) as object)
 * // ['type', 'uuid', 'project', 'timestamp']
 */
export function jsonbOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonbOrder)
  if (!isPlainObject(value)) return value
  const keys = Object.keys(value).sort(compareKeys)
  const entries = keys.map((key) => [key, jsonbOrder(value[key])] as [string, unknown])
  const needsMap = keys.some((key) => /^(0|[1-9]\d*)$/.test(key))
  return needsMap ? new Map(entries) : Object.fromEntries(entries)
}
