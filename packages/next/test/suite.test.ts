// The shared adapter suite through a real Next.js 16 server (the built test app, loaded in this
// process): providers, published vectors, error responses, duplicates, exactly-once under client
// timeouts, body limits and broken uploads, on the App Router (node runtime) and the Pages Router.
// Not run here: optionTests (their startup throws, .on() and proxy trust are Express/Koa's shapes;
// with-webhook.test.ts covers the Next forms) and routing (covered by core's router-flow tests).
import { afterAll, beforeAll, describe } from 'vitest'
import {
  duplicateTests,
  errorResponses,
  exactlyOnceTests,
  limitsAndBrokenRequests,
  providerTests,
  vectorTests,
} from '../../core/test/adapter-suite/index.js'
import { appRouter, pagesRouter, startInProcess, stopInProcess } from './suite-fixture.js'

beforeAll(startInProcess, 60_000)
afterAll(stopInProcess)

describe.each([
  ['Next.js App Router (node runtime)', appRouter],
  ['Next.js Pages Router', pagesRouter],
] as const)('%s', (_name, fixture) => {
  providerTests(fixture)
  vectorTests(fixture)
  errorResponses(fixture)
  duplicateTests(fixture)
  exactlyOnceTests(fixture)
  limitsAndBrokenRequests(fixture)
})
