// After tsup: the bundled .d.ts files import `@octokit/webhooks-types`, an optional peer that users
// without GitHub routes never install. rollup-plugin-dts drops the source's `@ts-ignore`, so it is
// put back above each such import: absent, the import is `any` and GitHub routes fall back to
// "any event name, unknown payload" (see src/events/github.ts) instead of a compile error in
// node_modules for projects that do not set skipLibCheck.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const dist = new URL('../dist/', import.meta.url).pathname
const peer = /^(import [^;]*from ['"]@octokit\/webhooks-types['"];?|import ['"]@octokit\/webhooks-types['"];?)$/gm
let patched = 0
for (const name of readdirSync(dist)) {
  if (!/\.d\.c?ts$/.test(name)) continue
  const file = join(dist, name)
  const text = readFileSync(file, 'utf8')
  const next = text.replace(peer, (line, _m, offset) => {
    if (text.slice(Math.max(0, offset - 64), offset).includes('@ts-ignore')) return line
    patched++
    return `// @ts-ignore: optional peer dependency (types only)\n${line}`
  })
  if (next !== text) writeFileSync(file, next)
}
console.log(`optional-peer-types: marked ${patched} import(s) of @octokit/webhooks-types in dist`)
