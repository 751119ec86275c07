import { describe } from 'vitest'
import { routingTests } from '../../core/test/adapter-suite/routing.js'
import { HONO } from './app.js'

describe.each(HONO)('%s', (_name, fixture) => {
  routingTests(fixture)
})
