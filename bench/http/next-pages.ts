// Next.js Pages Router API routes in the HTTP bench (`/api/webhook/<route>`, body parser off):
// the same built app and server as next-app.ts; `hookproof` is `withWebhookApi()`.
import type { Server } from 'node:http'
import { type Route, sameAsHand } from './common.js'
import { nextServer } from './next-app.js'

/** The factory bench/http/server.ts loads. */
export default async (route: Route): Promise<Server> => {
  if (route === 'hand-middleware') throw sameAsHand('Next (Pages Router)')
  return nextServer(`/api/webhook/${route}`)
}
