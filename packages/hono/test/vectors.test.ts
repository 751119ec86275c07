import { describe } from 'vitest'
import { vectorTests } from '../../core/test/adapter-suite/index.js'
import { HONO } from './app.js'

describe.each(HONO)('%s', (_name, fixture) => {
  vectorTests(fixture)
})
