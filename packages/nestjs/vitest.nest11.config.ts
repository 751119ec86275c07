import { fileURLToPath } from 'node:url'
import { defineProject } from 'vitest/config'
import { alias } from '../../vitest.shared.js'

// The same tests on Nest 11: npm aliases cannot give a real Nest 11 app (an aliased
// @nestjs/core@11 still resolves require('@nestjs/common') to the root's Nest 12), so Nest 11 is
// installed in its own private workspace, packages/nestjs-test-nest11 (a workspace nested inside
// packages/nestjs loses its node_modules on the next npm install), and every @nestjs import resolves there.
const nest11 = (name: string) => fileURLToPath(new URL(`../nestjs-test-nest11/node_modules/${name}`, import.meta.url))

export default defineProject({
  resolve: {
    alias: {
      ...alias,
      '@nestjs/common': nest11('@nestjs/common'),
      '@nestjs/core': nest11('@nestjs/core'),
      '@nestjs/platform-express': nest11('@nestjs/platform-express'),
      '@nestjs/platform-fastify': nest11('@nestjs/platform-fastify'),
    },
  },
  test: {
    name: 'nestjs-11',
    include: ['test/**/*.test.ts'],
    // the major this project's @nestjs imports must load; test/versions.test.ts checks it
    provide: { nestMajor: 11 },
  },
})
