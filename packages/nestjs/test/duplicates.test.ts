import { describe } from 'vitest'
import { duplicateTests, exactlyOnceTests } from '../../core/test/adapter-suite/index.js'
import { PLATFORMS } from './app.js'

describe.each(PLATFORMS)('%s', (_name, _platform, fixture) => {
  duplicateTests(fixture)
  exactlyOnceTests(fixture)
})
