/**
 * `node --import tsx bench/save-build.ts <name>`: builds the packages as the bench measures them
 * (bench/lib/build.ts) and keeps the build in `bench/.build/<name>` (ignored by git), so a later
 * change can be profiled against it in the same run:
 * `node --import tsx bench/profile.ts koa hookproof@bench/.build/<name>,hookproof 1 8 1024`.
 * Save one before editing, edit, then profile both: the routes alternate round after round.
 */
import { cpSync, rmSync } from 'node:fs'
import { buildAll } from './lib/build.js'

const name = process.argv[2]
if (!name || name.includes('/')) throw new Error('usage: bench/save-build.ts <name> (saved as bench/.build/<name>)')
const built = await buildAll()
rmSync(`bench/.build/${name}`, { recursive: true, force: true })
cpSync(built, `bench/.build/${name}`, { recursive: true })
console.log(`saved bench/.build/${name}`)
