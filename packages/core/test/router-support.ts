import { createVerifier, type ProviderName, type SignInput, sign, type VerifiedWebhook, type VerifierOptions } from '../src/node.js'
import { SECRETS } from './adapter-suite/deliveries.js'

let counter = 0

/** A delivery signed with core's `sign` as the vendor would send it, then verified: what a router receives. */
export async function verified(
  provider: ProviderName,
  payload: unknown,
  options: { sign?: Partial<SignInput>; headers?: Record<string, string>; verifier?: Partial<VerifierOptions> } = {},
): Promise<VerifiedWebhook> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload)
  const now = Date.now()
  const signed = await sign(provider, { secret: SECRETS[provider], body, now, id: `router-${process.pid}-${++counter}`, ...options.sign })
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  // later headers replace earlier ones whatever their spelling: the attacker's value must be the one sent
  for (const [name, value] of Object.entries({ ...signed, ...options.headers })) {
    for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key]
    headers[name] = value
  }
  const verifier = createVerifier({ provider, secret: SECRETS[provider], replayStore: false, ...options.verifier } as VerifierOptions)
  return verifier.verify({ body, headers, method: 'POST', url: 'https://hooks.example.com/hook' })
}

/** The Orchest envelope of one event type, as orchest-api builds it (trimmed). */
export function orchestBody(type: string, extra: Record<string, unknown> = {}) {
  return {
    delivered_for: { name: 'hook', verify_ssl: false, content_type: 'application/json', uuid: 'u-1', type: 'webhook' },
    event: { type, uuid: 'e-1', timestamp: '2023-11-14 22:13:20.000000+00:00', ...extra },
  }
}

/** A logger that records what the router says. */
export function recorder() {
  const lines: Array<{ message: string; details: Record<string, unknown> | undefined }> = []
  return { lines, logger: { warn: (message: string, details?: Record<string, unknown>) => void lines.push({ message, details }) } }
}
