import { describe } from 'vitest'
import { routingTests } from '../../core/test/adapter-suite/routing.js'
import { FASTIFY } from './app.js'

describe.each(FASTIFY)('%s', (_name, _fastify, fixture) => {
  routingTests(fixture)
})
