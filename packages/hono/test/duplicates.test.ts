import { describe } from 'vitest'
import { duplicateTests, exactlyOnceTests } from '../../core/test/adapter-suite/index.js'
import { HONO } from './app.js'

describe.each(HONO)('%s', (_name, fixture) => {
  duplicateTests(fixture)
  exactlyOnceTests(fixture)
})
