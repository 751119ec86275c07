import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // TS 6.0 flags the baseUrl that tsup's dts build sets itself
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // no Node built-in anywhere: the same file runs in Next's edge runtime
  platform: 'neutral',
})
