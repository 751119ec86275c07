import { fileURLToPath } from 'node:url'
import { defineProject } from 'vitest/config'

export default defineProject({
  // Tests run against core's TypeScript sources, not its build output.
  resolve: {
    alias: {
      // before '@hookproof/core', which would otherwise match this subpath as a prefix
      '@hookproof/core/adapter': fileURLToPath(new URL('../core/src/adapter-node.ts', import.meta.url)),
      '@hookproof/express': fileURLToPath(new URL('../express/src/index.ts', import.meta.url)),
      '@hookproof/core': fileURLToPath(new URL('../core/src/index.ts', import.meta.url)),
    },
  },
  test: {
    name: 'mock-sender',
    include: ['test/**/*.test.ts'],
  },
})
