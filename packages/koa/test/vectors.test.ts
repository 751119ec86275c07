import { describe } from 'vitest'
import { vectorTests } from '../../core/test/adapter-suite/index.js'
import { KOA } from './app.js'

describe.each(KOA)('%s', (_name, _Koa, fixture) => {
  vectorTests(fixture)
})
