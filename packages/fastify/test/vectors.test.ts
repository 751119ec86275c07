import { describe } from 'vitest'
import { vectorTests } from '../../core/test/adapter-suite/index.js'
import { FASTIFY } from './app.js'

describe.each(FASTIFY)('%s', (_name, _fastify, fixture) => {
  vectorTests(fixture)
})
