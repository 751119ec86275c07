import { describe } from 'vitest'
import { providerTests } from '../../core/test/adapter-suite/index.js'
import { PLATFORMS } from './app.js'

describe.each(PLATFORMS)('%s', (_name, _platform, fixture) => {
  providerTests(fixture)
})
