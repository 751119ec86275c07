import { describe } from 'vitest'
import { limitsAndBrokenRequests } from '../../core/test/adapter-suite/index.js'
import { FASTIFY } from './app.js'

describe.each(FASTIFY)('%s', (_name, _fastify, fixture) => {
  limitsAndBrokenRequests(fixture)
})
