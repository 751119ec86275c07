import { type Failure, fail } from './errors.js'

const strict = new TextDecoder('utf-8', { fatal: true })

/** The media type of a Content-Type value, lowercased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return ''
  const semi = contentType.indexOf(';')
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
}

function isJson(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json')
}

function text(body: Uint8Array): string | undefined {
  try {
    return strict.decode(body)
  } catch {
    return undefined
  }
}

/**
 * Parses a verified body by its content type: JSON for JSON types, the decoded fields for
 * `application/x-www-form-urlencoded` (each field JSON-decoded for Orchest), text for `text/*`,
 * the bytes for anything else, `undefined` for an empty body. Only ever called after the
 * signature holds.
 */
export function parsePayload(
  body: Uint8Array,
  contentType: string | undefined,
  formFieldsAreJson: boolean,
): { ok: true; value: unknown } | Failure {
  if (body.length === 0) return { ok: true, value: undefined }
  const type = mediaType(contentType)
  if (isJson(type) || type === '') {
    const t = text(body)
    if (t === undefined) {
      return type === '' ? { ok: true, value: body } : fail('INVALID_PAYLOAD', `The body is declared ${type} but is not valid UTF-8`)
    }
    try {
      return { ok: true, value: JSON.parse(t) }
    } catch {
      // without a declared type, a body that is not JSON is passed on as text
      return type === '' ? { ok: true, value: t } : fail('INVALID_PAYLOAD', `The body is declared ${type} but is not valid JSON`)
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    const t = text(body)
    if (t === undefined) return fail('INVALID_PAYLOAD', 'The form body is not valid UTF-8')
    const fields: Record<string, unknown> = {}
    // keys seen more than once, with the array that collects them: each copy is one push, never a copy
    const repeated = new Map<string, unknown[]>()
    for (const [key, raw] of new URLSearchParams(t)) {
      let value: unknown = raw
      if (formFieldsAreJson) {
        try {
          value = JSON.parse(raw)
        } catch {
          return fail('INVALID_PAYLOAD', `Form field "${key.slice(0, 40)}" is not valid JSON`)
        }
      }
      const list = repeated.get(key)
      if (list !== undefined) list.push(value)
      else if (Object.hasOwn(fields, key)) {
        const both = [fields[key], value]
        repeated.set(key, both)
        fields[key] = both
      } else if (key === '__proto__') {
        // an own field, not the object's prototype
        Object.defineProperty(fields, key, { value, writable: true, enumerable: true, configurable: true })
      } else fields[key] = value
    }
    return { ok: true, value: fields }
  }
  if (type.startsWith('text/')) {
    const t = text(body)
    return t === undefined ? fail('INVALID_PAYLOAD', `The body is declared ${type} but is not valid UTF-8`) : { ok: true, value: t }
  }
  return { ok: true, value: body }
}
