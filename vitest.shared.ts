import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// Tests run against the TypeScript sources: workspace packages resolve to src, not dist.
const src = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// `@hookproof/core/providers/<name>`: src/entries/<name>.node.ts (node:crypto, as the `node` condition picks)
const providerEntries = readdirSync(src('./packages/core/src/entries/')).filter((file) => file.endsWith('.node.ts'))

export const alias = {
  ...Object.fromEntries(
    providerEntries.map((file) => [
      `@hookproof/core/providers/${file.slice(0, -'.node.ts'.length)}`,
      src(`./packages/core/src/entries/${file}`),
    ]),
  ),
  // before '@hookproof/core', which would otherwise match this subpath as a prefix
  '@hookproof/core/adapter': src('./packages/core/src/adapter-node.ts'),
  '@hookproof/core': src('./packages/core/src/node.ts'),
  '@hookproof/express': src('./packages/express/src/index.ts'),
  '@hookproof/koa': src('./packages/koa/src/index.ts'),
  '@hookproof/fastify': src('./packages/fastify/src/index.ts'),
  '@hookproof/hono': src('./packages/hono/src/index.ts'),
  '@hookproof/nestjs': src('./packages/nestjs/src/index.ts'),
  '@hookproof/next': src('./packages/next/src/index.ts'),
  '@hookproof/mock-sender': src('./packages/mock-sender/src/index.ts'),
  '@hookproof/redis': src('./packages/redis/src/index.ts'),
  '@hookproof/postgres': src('./packages/postgres/src/index.ts'),
}
