// The one list of test projects. vitest 5 no longer reads this file by itself:
// vitest.config.ts imports it as `test.projects`.
export default [
  'packages/core',
  'packages/express',
  'packages/koa',
  'packages/nestjs/vitest.config.ts',
  'packages/nestjs/vitest.nest11.config.ts',
  'examples/express-app',
  'examples/koa-app',
  'examples/nestjs-app',
  'packages/mock-sender',
  'packages/redis',
  'packages/postgres',
  'examples/serverless',
  'examples/demo',
]
