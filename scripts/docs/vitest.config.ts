import { defineProject } from 'vitest/config'
import { alias } from '../../vitest.shared.js'

export default defineProject({
  resolve: { alias },
  test: {
    name: 'docs',
    include: ['*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 240_000,
  },
})
