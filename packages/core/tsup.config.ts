import { readdirSync } from 'node:fs'
import { defineConfig } from 'tsup'

// One entry per provider and backend (`@hookproof/core/providers/<name>`): src/entries/<name>.ts
// (Web Crypto) builds to dist/provider-<name>.js, src/entries/<name>.node.ts to dist/provider-<name>-node.js.
const providerEntries = Object.fromEntries(
  readdirSync(new URL('./src/entries/', import.meta.url))
    .filter((file) => file.endsWith('.ts') && file !== 'shared.ts')
    .map((file) => [`provider-${file.replace(/\.node\.ts$/, '-node').replace(/\.ts$/, '')}`, `src/entries/${file}`]),
)

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    node: 'src/node.ts',
    adapter: 'src/adapter.ts',
    'adapter-node': 'src/adapter-node.ts',
    ...providerEntries,
  },
  format: ['esm', 'cjs'],
  // TS 6.0 flags the baseUrl that tsup's dts build sets itself
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['node:crypto', 'node:module'],
  // keep the `node:` prefix: edge runtimes with Node compatibility only resolve prefixed builtins
  removeNodeProtocol: false,
})
