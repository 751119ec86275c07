#!/usr/bin/env node
// `node scripts/check-readme.mjs`: every fenced TypeScript block of every README (root,
// packages/*, examples/*, bench/) type-checks, in one program per compiler: the pinned
// TypeScript and, when installed, TypeScript 7 (`typescript7`). Fragments are checked inside a
// wrapper (see scripts/lib/readme-blocks.mjs for the convention). Running the complete blocks is
// the vitest project `docs` (scripts/docs/readme.test.ts), so that it counts in the test totals.
// Exit 0 when every block type-checks with every compiler, 1 otherwise.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { allBlocks, compilers, formatError, typecheck, writeBlocks } from './lib/readme-blocks.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const dir = join(root, '.tmp', 'readme-blocks')
const blocks = allBlocks(root)
let failed = 0

const unknown = blocks.filter((b) => !['complete', 'fragment', 'no-run'].includes(b.kind))
for (const b of unknown) {
  console.log(`${b.file}:${b.line}: ${b.kind}: use \`\`\`ts, \`\`\`ts fragment or \`\`\`ts no-run: <why>`)
  failed++
}
for (const b of blocks.filter((x) => x.kind === 'no-run' && x.reason === '')) {
  console.log(`${b.file}:${b.line}: \`\`\`ts no-run needs a reason: \`\`\`ts no-run: run by <test>`)
  failed++
}

const written = writeBlocks(
  root,
  blocks.filter((b) => !unknown.includes(b)),
  dir,
)
const counts = ['complete', 'fragment', 'no-run'].map((k) => `${blocks.filter((b) => b.kind === k).length} ${k}`).join(', ')
console.log(`${blocks.length} TypeScript blocks in ${new Set(blocks.map((b) => b.file)).size} READMEs (${counts})`)

for (const compiler of compilers(root)) {
  const { errors, foreign } = typecheck(dir, written, compiler.path)
  for (const e of errors) console.log(formatError(e, compiler.name))
  // errors outside the blocks (a workspace source the blocks import) are shown, not counted here:
  // `npm run typecheck` owns those files
  for (const f of foreign.slice(0, 20)) console.log(`note: ${compiler.name}, outside the README blocks: ${f}`)
  const bad = new Set(errors.map((e) => `${e.block.file}:${e.block.line}`)).size
  console.log(`${compiler.name}: ${bad === 0 ? 'every block type-checks' : `${bad} block(s) do not type-check`}`)
  failed += bad
}
process.exitCode = failed === 0 ? 0 : 1
