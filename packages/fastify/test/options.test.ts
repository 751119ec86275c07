import { describe } from 'vitest'
import { optionTests } from '../../core/test/adapter-suite/index.js'
import { FASTIFY } from './app.js'

describe.each(FASTIFY)('%s', (_name, _fastify, fixture) => {
  optionTests(
    fixture,
    {
      on: 'when trustProxy is on',
      off: 'when trustProxy is off',
      trust: (options) => {
        options.trustProxy = true
      },
    },
    true,
  )
})
