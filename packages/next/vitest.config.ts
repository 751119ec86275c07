import { defineProject } from 'vitest/config'
import { alias } from '../../vitest.shared.js'

export default defineProject({
  resolve: { alias },
  test: {
    name: 'next',
    include: ['test/**/*.test.ts'],
    // builds the test app once (tsup for core and this package, then `next build`) for the tests that serve it
    globalSetup: ['test/global-setup.ts'],
  },
})
