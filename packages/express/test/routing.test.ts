import { describe } from 'vitest'
import { routingTests } from '../../core/test/adapter-suite/routing.js'
import { EXPRESS } from './app.js'

describe.each(EXPRESS)('%s', (_name, _express, fixture) => {
  routingTests(fixture)
})
