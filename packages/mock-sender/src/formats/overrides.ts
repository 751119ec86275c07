/**
 * Field overrides for event factories. Objects merge key by key (a new key goes last, as a
 * Python dict would put it); arrays and scalars replace; `undefined` removes the key.
 */

/**
 * Every field optional, recursively; `undefined` removes a field.
 *
 * @example
 * const patch: DeepPartial<{ job: { id: string; status: string } }> = { job: { status: 'FAILED' } }
 * applyOverrides({ job: { id: 'j1', status: 'SUCCEEDED' } }, patch) // { job: { id: 'j1', status: 'FAILED' } }
 */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | undefined } & Record<string, unknown>
    : T

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * Returns a new value: `base` with `overrides` applied. Neither argument is modified.
 *
 * @example
 * applyOverrides({ a: 1, b: { c: 2 } }, { b: { d: 3 }, a: undefined }) // { b: { c: 2, d: 3 } }
 */
export function applyOverrides<T>(base: T, overrides: unknown): T {
  if (overrides === undefined) return clone(base)
  if (!isPlainObject(base) || !isPlainObject(overrides)) return clone(overrides) as T
  // Keys of `base` keep their place; new keys go last.
  const merged: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(base)) {
    if (!(key in overrides)) merged[key] = clone(value)
    else if (overrides[key] !== undefined) merged[key] = applyOverrides(value, overrides[key])
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in base) && value !== undefined) merged[key] = clone(value)
  }
  return merged as T
}

function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[key] = clone(item)
    return out as T
  }
  return value
}
