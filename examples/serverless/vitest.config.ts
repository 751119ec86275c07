import { defineProject } from 'vitest/config'
import { alias } from '../../vitest.shared.js'

export default defineProject({
  resolve: { alias },
  test: {
    name: 'examples/serverless',
    include: ['test/**/*.test.ts'],
    // workerd starts once per file; the first start can take a few seconds on a cold disk
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
