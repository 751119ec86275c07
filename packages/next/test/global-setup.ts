// Once per test run: build the test app, and serve it with `next start` for next-app.test.ts.
import { createServer } from 'node:net'
import { type Provider, type ProviderName, providers } from '@hookproof/core'
import type { TestProject } from 'vitest/node'
import { SECRETS } from '../../core/test/adapter-suite/deliveries.js'
import { buildApp, type Started, startApp } from './build-app.js'

declare module 'vitest' {
  export interface ProvidedContext {
    nextOrigin: string
  }
}

/**
 * The env form on every route of the built app: one secret variable per registry row, under its
 * former name where the row has one (STANDARD_WEBHOOKS_SECRET), so the old spelling stays tested.
 */
export const ENV_SECRETS: Record<string, string> = Object.fromEntries(
  Object.entries(providers as Record<string, Provider>).flatMap(([name, row]) => {
    const variable = row.legacyEnvVars?.[0] ?? row.envVar
    return variable === undefined ? [] : [[variable, SECRETS[name as ProviderName]]]
  }),
)

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })
}

let started: Started | undefined

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  buildApp()
  started = await startApp(await freePort(), ENV_SECRETS)
  project.provide('nextOrigin', started.origin)
  return async () => {
    await started?.stop()
  }
}
