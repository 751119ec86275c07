// Shared by the release checks: the publishable packages are whatever packages/*/package.json
// says they are, so a new package is covered without editing any list.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * Every non-private package under packages/, sorted so that a package comes after the workspace
 * packages it depends on (core first).
 */
export function listPackages() {
  const dir = join(root, 'packages')
  const found = []
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name, 'package.json')
    if (!existsSync(file)) continue
    const json = JSON.parse(readFileSync(file, 'utf8'))
    if (json.private) continue
    found.push({ dir: join(dir, name), folder: name, name: json.name, version: json.version, json })
  }
  const names = new Set(found.map((p) => p.name))
  const sorted = []
  const seen = new Set()
  const visit = (pkg) => {
    if (seen.has(pkg.name)) return
    seen.add(pkg.name)
    for (const dep of Object.keys({ ...pkg.json.dependencies, ...pkg.json.peerDependencies })) {
      if (names.has(dep)) visit(found.find((p) => p.name === dep))
    }
    sorted.push(pkg)
  }
  for (const pkg of found) visit(pkg)
  return sorted
}

/** Folders under packages/ that have no package.json yet: reported as skipped, not failed. */
export function pendingPackages() {
  const dir = join(root, 'packages')
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !existsSync(join(dir, d.name, 'package.json')))
    .map((d) => d.name)
    .sort()
}
