import type { Request } from 'express'

type Trust = (address: string | undefined, hop: number) => boolean

/**
 * The full URL as the sender called it, for schemes that sign it (Designer Cloud GET/DELETE):
 * `req.protocol` and `X-Forwarded-Host` follow Express's `trust proxy` setting, as in Express 4 and 5.
 */
export function requestUrl(req: Request): string {
  let host = req.headers.host ?? ''
  const trust = req.app?.get('trust proxy fn') as Trust | undefined
  const forwarded = req.headers['x-forwarded-host']
  if (typeof forwarded === 'string' && forwarded !== '' && trust?.(req.socket.remoteAddress, 0)) {
    host = (forwarded.split(',')[0] as string).trim()
  }
  return `${req.protocol}://${host}${req.originalUrl ?? req.url}`
}
