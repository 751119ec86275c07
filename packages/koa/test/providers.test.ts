import { describe } from 'vitest'
import { providerTests } from '../../core/test/adapter-suite/index.js'
import { KOA } from './app.js'

describe.each(KOA)('%s', (_name, _Koa, fixture) => {
  providerTests(fixture)
})
