// The handler every fixed route of the test app runs: answers what it saw, and how many times it
// ran for these exact bytes. Unsigned test headers steer it: x-test-status, x-test-delay-ms, x-test-throw.
const runs = new Map()

export function describe(runtime, webhook, headers) {
  const raw = new TextDecoder().decode(webhook.rawBody)
  const calls = (runs.get(raw) ?? 0) + 1
  runs.set(raw, calls)
  return {
    runtime,
    calls,
    provider: webhook.provider,
    event: webhook.event ?? null,
    deliveryId: webhook.deliveryId ?? null,
    payload: webhook.payload ?? null,
    raw,
    secretIndex: webhook.secretIndex,
    status: Number(headers.get('x-test-status') ?? 200),
    delayMs: Number(headers.get('x-test-delay-ms') ?? 0),
    throws: headers.get('x-test-throw') !== null,
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
