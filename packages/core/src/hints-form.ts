/** Python's `quote_plus`: keeps `A-Z a-z 0-9 _ . - ~`, space as `+`, the rest as `%XX` of UTF-8. */
function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
}

/**
 * A URL-decoded form body (`a={"x": 1}&b=2`) encoded again the way Orchest encodes it, for
 * `explain()` to try: pairs split at `&`, names and values at the first `=`.
 *
 * @example
 * quotePlusForm('event={"type": "ping"}') // 'event=%7B%22type%22%3A+%22ping%22%7D'
 */
export function quotePlusForm(text: string): string {
  return text
    .split('&')
    .map((pair) => {
      const at = pair.indexOf('=')
      return at < 0 ? quotePlus(pair) : `${quotePlus(pair.slice(0, at))}=${quotePlus(pair.slice(at + 1))}`
    })
    .join('&')
}
