// The one list of test projects. vitest 5 no longer reads this file by itself:
// vitest.config.ts imports it as `test.projects`.
export default [
  'packages/core',
  'packages/express',
  'packages/koa',
  'packages/fastify',
  'packages/next',
  'examples/express-app',
  'examples/koa-app',
  'examples/fastify-app',
  'packages/hono',
  'examples/hono-app',
  'packages/nestjs/vitest.config.ts',
  'packages/nestjs/vitest.nest11.config.ts',
  'examples/nestjs-app',
  'packages/mock-sender',
  'packages/redis',
  'packages/postgres',
  'examples/serverless',
  'examples/demo',
  'scripts/docs',
]
