import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts', 'src/adapter.ts', 'src/adapter-node.ts'],
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
