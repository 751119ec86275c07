// The fields of an `application/x-www-form-urlencoded` body (payload.ts parsePayload): loaded with
// the first form body, so a Worker whose sender posts JSON bundles none of it.
import { type Failure, fail } from './failure.js'

/**
 * @internal The decoded fields of a form body, each JSON-decoded when `formFieldsAreJson` (Orchest);
 * a repeated key collects its values in an array, `__proto__` stays an own field.
 *
 * @example
 * formFields('a=1&a=2&b=x', false) // { ok: true, value: { a: ['1', '2'], b: 'x' } }
 */
export function formFields(t: string, formFieldsAreJson: boolean): { ok: true; value: unknown } | Failure {
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
