// The one place a crypto backend and a provider table become the public functions. Each entry
// binds once (`bindTable`): `node.ts` (node:crypto, every provider), `index.ts` (Web Crypto, every
// provider) and `entries/<provider>.ts` (one row, so a Worker bundles only that row). Each public
// function is then made by its own small binder from that binding, as
// `export const verifyRequest = /* @__PURE__ */ verifyRequestOf(bound)`: a bundler drops the
// functions a Worker does not import (and what only they use: the Lambda reader, `sign`).
// Everything below is a thin name over a plain function: `createVerifier` (verify.ts), the Fetch
// reader (fetch.ts), the Lambda reader (lambda.ts), `signWith` (sign.ts).
import type { CryptoBackend } from './crypto/types.js'
import type { ProblemOptions } from './errors.js'
import { WebhookVerificationError } from './errors.js'
import { checkRequestWith, type RequestLike, type RequestOptions } from './fetch.js'
import { checkLambdaEventWith, type LambdaHttpEvent } from './lambda.js'
import type { Provider, SignInput } from './provider.js'
import type { ProviderName } from './providers/index.js'
import { signWith } from './sign.js'
import {
  type CheckResult,
  type ProviderTable,
  type VerifiedWebhook,
  type Verifier,
  type VerifierOptions,
  type VerifyInput,
  verifierFactory,
} from './verify.js'

type CreateVerifier = ReturnType<typeof verifierFactory>

/** @internal One crypto backend and one provider table, compiled into what every binder reads. */
export interface Binding {
  readonly backend: CryptoBackend
  readonly table: ProviderTable
  readonly createVerifier: CreateVerifier
  /** A verifier, or the one compiled for this options object (kept in a `WeakMap`). */
  readonly verifierFor: (source: Verifier | VerifierOptions) => Verifier
}

/**
 * @internal The binding of one entry. A table with a single row (a per-provider entry) makes
 * `provider` optional: it defaults to that row.
 */
export function bindTable(backend: CryptoBackend, table: ProviderTable): Binding {
  const compile = verifierFactory(backend, table)
  const rows = Object.values(table.providers)
  const only = rows.length === 1 ? rows[0] : undefined
  const createVerifier: CreateVerifier =
    only === undefined
      ? compile
      : (options) =>
          compile(
            typeof options === 'object' && options !== null && options.provider === undefined && options.providers === undefined
              ? { ...options, provider: only }
              : options,
          )
  // One verifier per options object: `verifyRequest(request, options)` compiles (decodes the
  // secrets, checks the options, imports keys) on the first call with that object and reuses it.
  const compiled = new WeakMap<object, Verifier>()
  function verifierFor(source: Verifier | VerifierOptions): Verifier {
    if (typeof source !== 'object' || source === null) {
      throw new TypeError('Pass a verifier from createVerifier(...) or the verifier options as the second argument')
    }
    const candidate = source as Partial<Verifier>
    if (typeof candidate.check === 'function' && typeof candidate.verify === 'function') return source as Verifier
    let verifier = compiled.get(source)
    if (verifier === undefined) {
      verifier = createVerifier(source as VerifierOptions)
      compiled.set(source, verifier)
    }
    return verifier
  }
  return { backend, table, createVerifier, verifierFor }
}

/** Throws the failure of a `check*` result, or returns its webhook. */
function unwrap<Payload>(result: CheckResult<Payload>): VerifiedWebhook<Payload> {
  if (result.ok) return result.webhook
  throw WebhookVerificationError.from(result)
}

/** @internal `createVerifier` of a binding. */
export function createVerifierOf(b: Binding): CreateVerifier {
  /**
   * Builds a verifier once at startup: validates options (throws `TypeError` on a bad setup,
   * never per request) and prepares keys. In a per-provider entry `provider` defaults to its row.
   *
   * @example
   * const verifier = createVerifier({ provider: 'orchest', secret: process.env.ORCHEST_WEBHOOK_SECRET })
   * const hook = await verifier.verify({ body, headers })
   */
  const createVerifier: CreateVerifier = (options) => b.createVerifier(options)
  return createVerifier
}

/** @internal `verify` of a binding. */
export function verifyOf(b: Binding) {
  /**
   * One-shot verification. The verifier is compiled once per options object (kept in a
   * `WeakMap`): pass the same object every time, or build one with `createVerifier`.
   *
   * @example
   * const options = { provider: 'orchest', secret } as const // once, at startup
   * const { payload, deliveryId } = await verify({ body, headers }, options)
   * @throws {WebhookVerificationError} with a stable `code`.
   */
  return function verify<Payload = unknown>(input: VerifyInput, options: VerifierOptions): Promise<VerifiedWebhook<Payload>> {
    return b.verifierFor(options).verify<Payload>(input)
  }
}

/** @internal `check` of a binding. */
export function checkOf(b: Binding) {
  /**
   * One-shot `check`: resolves to `{ ok: true, webhook }` or `{ ok: false, code, status, message }`.
   * Compiled once per options object, as `verify`.
   *
   * @example
   * const result = await check({ body, headers }, options)
   * if (!result.ok) return new Response(null, { status: result.status })
   */
  return function check<Payload = unknown>(input: VerifyInput, options: VerifierOptions): Promise<CheckResult<Payload>> {
    return b.verifierFor(options).check<Payload>(input)
  }
}

/** @internal `sign` of a binding. */
export function signOf(b: Binding) {
  /**
   * The sending side: the headers a provider's sender would attach to `body`. Reads the same
   * provider row as the verifier; the mock sender signs with exactly this.
   *
   * @example
   * const headers = await sign('designer-cloud', { secret: 'test-secret-1', body, now: 1_700_000_000_000 })
   * // { 'X-Webhook-Signature': 't=1700000000000,sha256=d27803d9…' }
   */
  return function sign(provider: ProviderName | Provider, input: SignInput): Promise<Record<string, string>> {
    return signWith(b.backend, b.table, provider, input)
  }
}

/** @internal `checkRequest` of a binding. */
export function checkRequestOf(b: Binding) {
  /**
   * Same work as `verifyRequest`, never throwing: `{ ok: true, webhook }` or
   * `{ ok: false, code, status, message }`. A rejection builds no `Error`, so a flood of forged
   * requests stays cheap.
   *
   * @example
   * const result = await checkRequest(request, verifier)
   * if (!result.ok) return toResponse(result)
   */
  return function checkRequest<Payload = unknown>(
    request: RequestLike,
    verifier: Verifier | VerifierOptions,
    options?: RequestOptions,
  ): Promise<CheckResult<Payload>> {
    return checkRequestWith<Payload>(b.verifierFor(verifier), request, options)
  }
}

/** @internal `verifyRequest` of a binding. */
export function verifyRequestOf(b: Binding) {
  /**
   * Verifies a Fetch `Request` (Cloudflare Workers, Deno, Bun, Next.js route handlers, Hono's
   * `c.req.raw`, Node 20+): reads the body once as bytes, then verifies it with the request's
   * headers, method and URL. The result carries `rawBody` and the parsed `payload`, so the
   * handler never reads the body again.
   *
   * Pass a verifier built once (per isolate) with `createVerifier`. An options object works
   * too: it is compiled on its first request and the verifier is kept for that object (a
   * `WeakMap`), so pass the same object each time; a fresh literal per request compiles per request.
   *
   * @example
   * const verifier = createVerifier({ provider: 'orchest', secret: env.ORCHEST_WEBHOOK_SECRET })
   * try {
   *   const { payload, deliveryId } = await verifyRequest(request, verifier)
   *   return Response.json({ received: deliveryId })
   * } catch (error) {
   *   return toResponse(error) // problem+json with the status of the error code
   * }
   * @throws {WebhookVerificationError} with a stable `code` (`BODY_TOO_LARGE` and `BODY_ALREADY_PARSED` included).
   */
  return async function verifyRequest<Payload = unknown>(
    request: RequestLike,
    verifier: Verifier | VerifierOptions,
    options?: RequestOptions,
  ): Promise<VerifiedWebhook<Payload>> {
    return unwrap(await checkRequestWith<Payload>(b.verifierFor(verifier), request, options))
  }
}

/** @internal `checkLambdaEvent` of a binding. */
export function checkLambdaEventOf(b: Binding) {
  /**
   * Same work as `verifyLambdaEvent`, never throwing.
   *
   * @example
   * const result = await checkLambdaEvent(event, verifier)
   * if (!result.ok) return toLambdaResult(result)
   */
  return function checkLambdaEvent<Payload = unknown>(
    event: LambdaHttpEvent,
    verifier: Verifier | VerifierOptions,
    options?: ProblemOptions,
  ): Promise<CheckResult<Payload>> {
    return checkLambdaEventWith<Payload>(b.verifierFor(verifier), event, options)
  }
}

/** @internal `verifyLambdaEvent` of a binding. */
export function verifyLambdaEventOf(b: Binding) {
  /**
   * Verifies an AWS Lambda event from API Gateway REST (1.0), HTTP API (2.0) or a function URL:
   * base64 bodies decoded, header case normalised, multi-value headers read, the URL rebuilt for
   * schemes that sign it. Returns the same result as `verify`.
   *
   * Build the verifier once, outside the handler, so keys are prepared once per container (an
   * options object is compiled once per object, as for `verifyRequest`).
   *
   * @example
   * const verifier = createVerifier({ provider: 'orchest', secret: process.env.ORCHEST_WEBHOOK_SECRET })
   * export async function handler(event) {
   *   try {
   *     const { payload } = await verifyLambdaEvent(event, verifier)
   *     return { statusCode: 204, body: '' }
   *   } catch (error) {
   *     return toLambdaResult(error)
   *   }
   * }
   * @throws {WebhookVerificationError} with a stable `code`.
   */
  return async function verifyLambdaEvent<Payload = unknown>(
    event: LambdaHttpEvent,
    verifier: Verifier | VerifierOptions,
    options?: ProblemOptions,
  ): Promise<VerifiedWebhook<Payload>> {
    return unwrap(await checkLambdaEventWith<Payload>(b.verifierFor(verifier), event, options))
  }
}
