import { cpSync } from 'node:fs'
import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli/hookproof-send.ts', hookproof: 'src/cli/hookproof.ts' },
  // import.meta.url (the dev server finds its page files beside the module) in the CJS build too
  shims: true,
  format: ['esm', 'cjs'],
  // TS 6.0 flags the baseUrl that tsup's dts build sets itself
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'node',
  removeNodeProtocol: false,
  // the inspector page ships inside dist (files: ["dist"]), beside the module that serves it
  onSuccess: async () => {
    cpSync('static', 'dist/static', { recursive: true })
  },
})
