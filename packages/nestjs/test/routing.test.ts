import { describe } from 'vitest'
import { routingTests } from '../../core/test/adapter-suite/routing.js'
import { PLATFORMS } from './app.js'

describe.each(PLATFORMS)('%s', (_name, _platform, fixture) => {
  routingTests(fixture)
})
