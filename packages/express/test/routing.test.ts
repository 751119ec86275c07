import type { RequestListener } from 'node:http'
import { describe } from 'vitest'
import { readmeRoutingTests, routingTests } from '../../core/test/adapter-suite/routing.js'
import { EXPRESS } from './app.js'

describe.each(EXPRESS)('%s', (_name, _express, fixture) => {
  routingTests(fixture)
})

describe('README', () => {
  readmeRoutingTests('packages/express/README.md', (app) => app as RequestListener)
})
