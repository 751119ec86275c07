import { describe } from 'vitest'
import { routingTests } from '../../core/test/adapter-suite/routing.js'
import { KOA } from './app.js'

describe.each(KOA)('%s', (_name, _Koa, fixture) => {
  routingTests(fixture)
})
