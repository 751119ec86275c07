// The demo's Next.js app. bench/lib/next.ts copies it to node_modules/.cache/hookproof-next-demo
// and builds it there (next build) once per change; these paths are relative to that copy.
import { fileURLToPath } from 'node:url'

// the monorepo root, whose node_modules holds next and react
const root = fileURLToPath(new URL('../../../', import.meta.url))

export default {
  turbopack: { root },
  outputFileTracingRoot: root,
  poweredByHeader: false,
}
