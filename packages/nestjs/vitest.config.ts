import { defineProject } from 'vitest/config'
import { alias } from '../../vitest.shared.js'

export default defineProject({
  resolve: { alias },
  test: {
    name: 'nestjs',
    include: ['test/**/*.test.ts'],
    // the major this project's @nestjs imports must load; test/versions.test.ts checks it
    provide: { nestMajor: 12 },
  },
})
