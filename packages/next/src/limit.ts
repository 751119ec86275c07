import { limitBytes as sizeInBytes } from '@hookproof/core/adapter'

/**
 * The `limit` option in bytes: a number, or a string such as `'512kb'` or `'1mb'` (1024-based,
 * as raw-body reads it for `@hookproof/express`), read by core's `limitBytes`. Anything else is a
 * `TypeError` at startup, and so is `Infinity`: a Next.js route keeps a finite limit.
 */
export function limitBytes(limit: number | string): number {
  if (limit === Number.POSITIVE_INFINITY)
    throw new TypeError(`limit must be a number of bytes or a string like '1mb', got ${String(limit)}`)
  return sizeInBytes(limit)
}
