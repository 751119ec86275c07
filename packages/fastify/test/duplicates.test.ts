import { describe } from 'vitest'
import { duplicateTests, exactlyOnceTests } from '../../core/test/adapter-suite/index.js'
import { FASTIFY } from './app.js'

describe.each(FASTIFY)('%s', (_name, _fastify, fixture) => {
  duplicateTests(fixture)
  exactlyOnceTests(fixture)
})
