import { describe } from 'vitest'
import { optionTests } from '../../core/test/adapter-suite/index.js'
import { PLATFORMS } from './app.js'

describe.each(PLATFORMS)('%s', (_name, platform, fixture) => {
  const setting = platform === 'express' ? "'trust proxy'" : 'trustProxy'
  optionTests(
    fixture,
    {
      on: `when ${setting} is on`,
      off: `when ${setting} is off`,
      trust: (setup) => {
        setup.trustProxy = true
      },
    },
    true,
  )
})
