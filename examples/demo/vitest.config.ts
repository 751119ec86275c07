import { defineProject } from 'vitest/config'
import { alias } from '../../vitest.shared.js'

export default defineProject({
  resolve: { alias },
  test: {
    name: 'examples/demo',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // builds the Next app the demo serves (next build, cached under node_modules/.cache)
    globalSetup: ['test/global-setup.ts'],
  },
})
