// The one list of test projects. vitest 5 no longer reads this file by itself:
// vitest.config.ts imports it as `test.projects`.
export default [
  'packages/core',
  'packages/express',
  'packages/koa',
  'packages/next',
  'examples/express-app',
  'examples/koa-app',
  'packages/mock-sender',
  'packages/redis',
  'packages/postgres',
  'examples/serverless',
  'examples/demo',
]
