import type Koa from 'koa'
import { describe } from 'vitest'
import { readmeRoutingTests, routingTests } from '../../core/test/adapter-suite/routing.js'
import { KOA } from './app.js'

describe.each(KOA)('%s', (_name, _Koa, fixture) => {
  routingTests(fixture)
})

describe('README', () => {
  readmeRoutingTests('packages/koa/README.md', (app) => (app as Koa).callback())
})
