import { cpSync, rmSync } from 'node:fs'
import { buildAll } from './lib/build.js'

const name = process.argv[2] ?? 'base'
const d = await buildAll()
rmSync(`bench/.build/${name}`, { recursive: true, force: true })
cpSync(d, `bench/.build/${name}`, { recursive: true })
console.log('saved', name)
