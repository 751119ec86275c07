/**
 * The adapter test suite `@hookproof/express` and `@hookproof/koa` both run: one copy of every
 * assertion about the shared flow. Each adapter supplies an `AdapterFixture` (how its framework
 * mounts the middleware) and calls the builders inside `describe.each` over its majors; what only
 * one framework has (its body parsers, proxy trust, error hand-off) stays in that package's tests.
 *
 * @example
 * describe.each(EXPRESS)('%s', (_name, _express, fixture) => {
 *   errorResponses(fixture)
 * })
 */
export { limitsAndBrokenRequests } from './body.js'
export { type Delivery, delivery, PROVIDERS, SECRETS } from './deliveries.js'
export { duplicateTests } from './duplicates.js'
export { clearSecretEnv, SECRET_ENV_NAMES } from './env.js'
export { errorResponses } from './errors.js'
export { exactlyOnceTests } from './exactly-once.js'
export {
  type AdapterFixture,
  type AdapterOptions,
  type Handler,
  listen,
  type Reply,
  rawRequest,
  receiver,
  type Seen,
  send,
} from './fixture.js'
export { optionTests, type ProxyTrust } from './options.js'
export { providerTests } from './providers.js'
export { vectorTests } from './vectors.js'
