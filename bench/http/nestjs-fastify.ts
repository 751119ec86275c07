// NestJS on the Fastify platform, for bench/http/server.ts (`--frameworks=nestjs-fastify`).
import type { Server } from 'node:http'
import { counter } from './common.js'
import { nestHandled, nestjs } from './nestjs.js'

/** The factory bench/http/server.ts loads; the parent reads the count through `counter`. */
export default (route: string): Promise<Server> => {
  Object.defineProperty(counter, 'handled', { get: nestHandled })
  return nestjs(route, 'fastify')
}
