import * as web from '../src/index.js'
import * as node from '../src/node.js'

/** The whole core suite runs on both crypto paths. */
export const backends = [
  ['node:crypto', node],
  ['Web Crypto', web],
] as const

export type Api = typeof node

export interface Vector {
  id: string
  title: string
  source: string
  provider: string
  secret: string
  now: number
  body: string
  headers: Record<string, string>
  method?: string
  url?: string
  options?: Record<string, unknown>
  valid: boolean
  expectCode?: string
  event?: string
  deliveryId?: string
  bodyAuthenticated?: boolean
  /** Extra `sign()` inputs with which sign reproduces this vector's headers byte for byte. */
  sign?: Record<string, unknown>
}
