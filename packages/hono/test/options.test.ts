import { describe } from 'vitest'
import { optionTests } from '../../core/test/adapter-suite/index.js'
import { HONO, trustForwarded } from './app.js'

describe.each(HONO)('%s', (_name, fixture) => {
  optionTests(
    fixture,
    {
      on: 'when the entry rewrites the origin from X-Forwarded-*',
      off: 'by itself (Hono has no trust proxy setting)',
      trust: trustForwarded,
    },
    true,
  )
})
