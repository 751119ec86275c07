const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

/**
 * The `limit` option in bytes: a number, or a string such as `'512kb'` or `'1mb'` (1024-based,
 * as raw-body reads it for `@hookproof/express`). Anything else is a `TypeError` at startup.
 */
export function limitBytes(limit: number | string): number {
  if (typeof limit === 'number' && Number.isFinite(limit) && limit >= 0) return Math.floor(limit)
  const match = typeof limit === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(limit) : null
  if (match === null) throw new TypeError(`limit must be a number of bytes or a string like '1mb', got ${String(limit)}`)
  return Math.floor(Number(match[1]) * (UNITS[(match[2] ?? 'b').toLowerCase()] as number))
}
