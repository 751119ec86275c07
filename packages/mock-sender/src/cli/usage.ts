/**
 * Usage messages shared by `hookproof-send` and `hookproof dev`: the nearest flag for a typo and
 * what to add to a URL written without its scheme.
 */

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
    }
    previous = row
  }
  return previous[b.length] as number
}

/**
 * The known flag closest to `flag` (a prefix of one, or within two edits), if any.
 *
 * @example
 * nearestFlag('--ur', ['url', 'secret']) // '--url'
 * nearestFlag('--sercet', ['url', 'secret']) // '--secret'
 */
export function nearestFlag(flag: string, known: readonly string[]): string | undefined {
  const name = flag.replace(/^-+/, '').split('=')[0] ?? ''
  if (name === '') return undefined
  const prefixed = known.filter((k) => k.startsWith(name))
  if (prefixed.length === 1) return `--${prefixed[0]}`
  let best: { name: string; d: number } | undefined
  for (const k of known) {
    const d = distance(name, k)
    if (d <= Math.min(2, Math.max(1, Math.floor(k.length / 3))) && (best === undefined || d < best.d)) best = { name: k, d }
  }
  return best === undefined ? undefined : `--${best.name}`
}

/**
 * `parseArgs`'s message for an unknown option, with the nearest known flag when there is one.
 *
 * @example
 * withSuggestion("Unknown option '--ur'", ['url']) // "unknown option --ur: did you mean --url?"
 */
export function withSuggestion(message: string, known: readonly string[]): string {
  const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1]
  if (unknown === undefined) return message
  const near = nearestFlag(unknown, known)
  return near === undefined ? `unknown option ${unknown}` : `unknown option ${unknown}: did you mean ${near}?`
}

/**
 * Checks an http(s) URL flag and says how to fix a common slip (`localhost:3000`, no scheme).
 *
 * @example
 * httpUrlProblem('localhost:3000', '--url') // '--url needs a scheme: add http:// (--url http://localhost:3000)'
 * httpUrlProblem('http://127.0.0.1:3000/hook', '--url') // undefined
 */
export function httpUrlProblem(raw: string, flag: string): string | undefined {
  const schemeless = !/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)
  if (schemeless && /^[^\s/:?#]+(:\d+)?([/?#].*)?$/.test(raw)) {
    return `${flag} needs a scheme: add http:// (${flag} http://${raw})`
  }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return `${flag} is not a URL: ${raw}`
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${flag} must be http:// or https://, got ${url.protocol} (${raw})`
  return undefined
}
