import type { CryptoBackend } from './crypto/types.js'
import { fetchFactory } from './fetch.js'
import { lambdaFactory } from './lambda.js'
import { registry } from './registry.js'
import { signerFactory } from './sign.js'
import { type CheckResult, type VerifiedWebhook, type VerifierOptions, type VerifyInput, verifierFactory } from './verify.js'

/** @internal The public functions bound to one crypto backend (node:crypto or Web Crypto). */
export function bind(backend: CryptoBackend) {
  const createVerifier = verifierFactory(backend, registry)
  const sign = signerFactory(backend)

  /**
   * One-shot verification. Prefer {@link createVerifier} in a server: it prepares keys once.
   *
   * @example
   * const { payload, deliveryId } = await verify({ body, headers }, { provider: 'orchest', secret })
   * @throws {WebhookVerificationError} with a stable `code`.
   */
  async function verify<Payload = unknown>(input: VerifyInput, options: VerifierOptions): Promise<VerifiedWebhook<Payload>> {
    return createVerifier(options).verify<Payload>(input)
  }

  /**
   * One-shot `check`: resolves to `{ ok: true, webhook }` or `{ ok: false, code, status, message }`.
   *
   * @example
   * const result = await check({ body, headers }, { provider: 'y42', secret })
   * if (!result.ok) return new Response(null, { status: result.status })
   */
  async function check<Payload = unknown>(input: VerifyInput, options: VerifierOptions): Promise<CheckResult<Payload>> {
    return createVerifier(options).check<Payload>(input)
  }

  const { verifyRequest, checkRequest } = fetchFactory(createVerifier)
  const { verifyLambdaEvent, checkLambdaEvent } = lambdaFactory(createVerifier)

  return { createVerifier, verify, check, sign, backend, verifyRequest, checkRequest, verifyLambdaEvent, checkLambdaEvent }
}
