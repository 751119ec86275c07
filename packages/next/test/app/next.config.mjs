// The test app of @hookproof/next. test/build-app.ts copies it to node_modules/.cache/hookproof-next-app
// and builds it there once per test run; these paths are relative to that copy.
import { fileURLToPath } from 'node:url'

// the monorepo root, whose node_modules holds next and react
const root = fileURLToPath(new URL('../../../', import.meta.url))

export default {
  turbopack: { root },
  outputFileTracingRoot: root,
  poweredByHeader: false,
}
