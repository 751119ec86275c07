import { defineProject } from 'vitest/config'
import { alias } from '../../vitest.shared.js'

export default defineProject({
  resolve: { alias },
  test: {
    name: 'redis',
    include: ['test/**/*.test.ts'],
    // each describe starts its own redis-server; outage tests wait out real timeouts
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})
