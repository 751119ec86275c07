import { describe } from 'vitest'
import { errorResponses } from '../../core/test/adapter-suite/index.js'
import { UNPARSED } from './app.js'

// with rawBody: true, Nest's JSON parser answers a malformed JSON body itself before the route
// (errors-nest.test.ts pins that); with the parser off every code of the suite is the adapter's
describe.each(UNPARSED)('%s', (_name, _platform, fixture) => {
  errorResponses(fixture)
})
