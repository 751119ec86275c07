// Once per test run: build the demo's Next app (src/next.ts), so the first test does not spend
// its timeout on `next build` (about a minute; nothing when the cached build is current).
import { fileURLToPath } from 'node:url'
import { buildNextApp } from '../../../bench/lib/next.js'

export default function setup(): void {
  buildNextApp(fileURLToPath(new URL('../next-app/', import.meta.url)), 'hookproof-next-demo')
}
