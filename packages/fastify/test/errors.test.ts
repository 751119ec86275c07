import { describe } from 'vitest'
import { errorResponses } from '../../core/test/adapter-suite/index.js'
import { FASTIFY } from './app.js'

describe.each(FASTIFY)('%s', (_name, _fastify, fixture) => {
  errorResponses(fixture)
})
