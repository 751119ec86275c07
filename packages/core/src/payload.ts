import { type Failure, fail } from './failure.js'
import { mediaType } from './header-values.js'
import type { Maybe } from './maybe.js'
import { loadOnDemand, onDemand } from './on-demand-load.js'

export { mediaType }

const strict = new TextDecoder('utf-8', { fatal: true })

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
 * signature holds. Synchronous but for the first form body (its reader loads then).
 */
export function parsePayload(
  body: Uint8Array,
  contentType: string | undefined,
  formFieldsAreJson: boolean,
): Maybe<{ ok: true; value: unknown } | Failure> {
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
    // the form reader (payload-form.ts) loads with the first form body, so a JSON-only Worker bundles none of it
    if (onDemand !== undefined) return onDemand.formFields(t, formFieldsAreJson)
    return loadOnDemand().then((m) => m.formFields(t, formFieldsAreJson))
  }
  if (type.startsWith('text/')) {
    const t = text(body)
    return t === undefined ? fail('INVALID_PAYLOAD', `The body is declared ${type} but is not valid UTF-8`) : { ok: true, value: t }
  }
  return { ok: true, value: body }
}
