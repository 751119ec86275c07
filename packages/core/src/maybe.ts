/**
 * @internal A value, or a promise of it. node:crypto answers synchronously and Web Crypto (or a
 * replay store) with a Promise: each avoided `await` is a microtask turn and a Promise, and on
 * one request they cost about as much as a 256 B HMAC, so the verifier's steps pass plain values
 * on synchronously.
 *
 * @example
 * const mac: Maybe<Uint8Array> = backend.hmac('SHA-256', key, [body])
 */
export type Maybe<T> = T | Promise<T>

/**
 * @internal Calls `next(value, context)` now when `value` is plain, or once it resolves. The one
 * way the verifier resumes: `next` is a top-level function and `context` the request's state, so
 * the synchronous path allocates no closure. (Not named `then`: a module exporting `then` is a
 * thenable to `await import()`.)
 *
 * @example
 * return andThen(matchSecrets(attempt), afterMatch, attempt)
 */
export function andThen<T, C, U>(value: Maybe<T>, next: (value: T, context: C) => Maybe<U>, context: C): Maybe<U> {
  return value instanceof Promise ? value.then((resolved: T) => next(resolved, context)) : next(value, context)
}
