import { fileURLToPath } from 'node:url'
import { defineProject } from 'vitest/config'

export default defineProject({
  resolve: {
    // tests run against core's TypeScript sources (the node entry, as Node resolves it), not its build
    alias: { '@hookproof/core': fileURLToPath(new URL('../core/src/node.ts', import.meta.url)) },
  },
  test: {
    name: 'redis',
    include: ['test/**/*.test.ts'],
    // one redis-server per test file; the files share nothing
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})
