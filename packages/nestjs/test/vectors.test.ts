// one byte changed in a JSON vector is often invalid JSON, which Nest's parser would answer itself
import { describe } from 'vitest'
import { vectorTests } from '../../core/test/adapter-suite/index.js'
import { UNPARSED } from './app.js'

describe.each(UNPARSED)('%s', (_name, _platform, fixture) => {
  vectorTests(fixture)
})
