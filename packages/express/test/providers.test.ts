import { describe } from 'vitest'
import { providerTests } from '../../core/test/adapter-suite/index.js'
import { EXPRESS } from './app.js'

describe.each(EXPRESS)('%s', (_name, _express, fixture) => {
  providerTests(fixture)
})
