import { type Provider, providers } from '@hookproof/core'
import { vi } from 'vitest'

/** Every variable a zero-argument adapter reads a secret from, from the registry: current, former and `_PREVIOUS`. */
export const SECRET_ENV_NAMES: readonly string[] = Object.values(providers as Record<string, Provider>).flatMap((row) =>
  [row.envVar, ...(row.legacyEnvVars ?? [])].flatMap((name) => (name === undefined ? [] : [name, `${name}_PREVIOUS`])),
)

/** Unsets (`''`, or `undefined` where the code under test tells the two apart) every secret variable for this test. */
export function clearSecretEnv(value: '' | undefined = ''): void {
  for (const name of SECRET_ENV_NAMES) vi.stubEnv(name, value)
}
