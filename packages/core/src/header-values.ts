// Two small readers that the verifier and the on-demand code (hints) both use. They live apart
// from timestamp.ts and payload.ts so that the on-demand module imports nothing else of the start
// bundle: a bundler that splits shares a module between the two by whole file.

/**
 * The media type of a Content-Type value, lowercased, without parameters.
 *
 * @example
 * mediaType('Application/JSON; charset=utf-8') // 'application/json'
 */
export function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return ''
  const semi = contentType.indexOf(';')
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
}

/**
 * Converts a timestamp in a unit to ms.
 *
 * @example
 * toMs(1_700_000_000, 's') // 1_700_000_000_000
 */
export function toMs(value: number, unit: 's' | 'ms'): number {
  return unit === 's' ? value * 1000 : value
}
