/** Timestamp formats the vendors put in their payloads. */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/**
 * Python's `str(datetime)` for an aware UTC datetime: `2022-06-02 16:12:25.242592+00:00`, the
 * microseconds left out when they are zero (as Python does).
 *
 * @example
 * pythonUtcTimestamp(1654186345242, 592) // '2022-06-02 16:12:25.242592+00:00'
 */
export function pythonUtcTimestamp(ms: number, extraMicros = 0): string {
  const d = new Date(Math.floor(ms))
  const micros = d.getUTCMilliseconds() * 1000 + extraMicros
  const base =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  return `${base}${micros === 0 ? '' : `.${pad(micros, 6)}`}+00:00`
}

/**
 * ISO 8601 in UTC with milliseconds: `2023-11-14T22:13:20.000Z`.
 *
 * @example
 * isoMillis(1_700_000_000_000) // '2023-11-14T22:13:20.000Z'
 */
export function isoMillis(ms: number): string {
  return new Date(ms).toISOString()
}

/**
 * ISO 8601 in UTC, whole seconds: `2023-11-14T22:13:20Z` (Rails' and Y42's style).
 *
 * @example
 * isoSeconds(1_700_000_000_000) // '2023-11-14T22:13:20Z'
 */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`
}

/**
 * An HTTP `Date` header value (IMF-fixdate): `Tue, 14 Nov 2023 22:13:20 GMT`.
 *
 * @example
 * httpDate(1_700_000_000_000) // 'Tue, 14 Nov 2023 22:13:20 GMT'
 */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString()
}
