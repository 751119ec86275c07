// The demo app's configuration (the DEMO_CONFIG variable examples/demo/src/next.ts sets) and the
// deliveries its handlers ran for, kept on globalThis: Next bundles each route on its own, so a
// module-level list would not be shared between the webhook route and the counter route.
const config = JSON.parse(process.env.DEMO_CONFIG ?? '{}')

/** `{ secrets, previousSecrets, handlerDelayMs }`, per provider where it applies. */
export const demoConfig = {
  secrets: config.secrets ?? {},
  previousSecrets: config.previousSecrets ?? {},
  handlerDelayMs: config.handlerDelayMs ?? 0,
}

/** Every delivery a handler ran for: `{ provider, deliveryId }`. */
export const handled = (globalThis.__hookproofDemoHandled ??= [])
