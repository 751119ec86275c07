import type { NestRequest } from './types.js'

/**
 * The full URL as the sender called it, for schemes that sign it (Designer Cloud GET/DELETE).
 * Both platforms' `protocol` and `host` follow their proxy trust setting (Express `trust proxy`,
 * Fastify `trustProxy`); `originalUrl` is the path as received on both.
 */
export function requestUrl(req: NestRequest): string {
  const host = req.host ?? req.headers.host ?? ''
  return `${req.protocol ?? 'http'}://${host}${req.originalUrl}`
}
