import { defineProject } from 'vitest/config'
import { alias } from '../../vitest.shared.js'

export default defineProject({
  resolve: { alias },
  test: {
    name: 'postgres',
    include: ['test/**/*.test.ts'],
    // a real postgres is initdb'ed and started per file; outage tests wait out real timeouts
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
