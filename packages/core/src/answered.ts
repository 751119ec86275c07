import type { FlowResponse } from './flow.js'

/** A Node `ServerResponse`, structurally: the adapters' responses without importing node:http. */
export interface EndableResponse {
  statusCode: number
  readonly writableEnded: boolean
  end: (...args: never[]) => unknown
  on(event: 'prefinish' | 'close', listener: () => void): unknown
}

/**
 * Calls `resolve` with the status once the handler answers: the response's first `end` call
 * (every answer of a Node framework ends there: the handler's, an error handler's 500, a hijacked
 * reply's own write), whether or not the socket is still open. A closed socket is deliberately
 * not an answer: the handler is still running, and its claim must hold. For `FlowHooks.handle`.
 *
 * It listens rather than wraps: `end` emits `prefinish` once the answer is queued, and a socket
 * closed first emits `close`, after which (the rare case) `end` itself is wrapped, since a
 * response whose socket is gone may never emit `prefinish`. Adding a property to the response
 * would change its hidden class, and on Express (whose responses each have a map of their own,
 * from its per-request `Object.setPrototypeOf`) every later access of the response by Node's
 * `end`, Express and the handler would miss V8's caches again (about 2 µs to add one, measured).
 *
 * @example
 * handle: (webhook) => new Promise((resolve) => { whenAnswered(res, resolve); runHandler(webhook) })
 */
export function whenAnswered(res: EndableResponse, resolve: (status: number) => void): void {
  let pending = true
  const settle = (): void => {
    if (pending) {
      pending = false
      resolve(res.statusCode)
    }
  }
  res.on('prefinish', settle)
  res.on('close', () => {
    if (!pending) return
    if (res.writableEnded) settle()
    else settleOnEnd(res, settle)
  })
}

/** After the socket closed with no answer yet: the handler's `end`, whenever it comes. */
function settleOnEnd(res: EndableResponse, settle: () => void): void {
  const end = res.end as (...args: unknown[]) => unknown
  res.end = function endAndSettle(this: unknown) {
    settle()
    // biome-ignore lint/complexity/noArguments: forwarded as is: no array per call, and the original sees the same argument count
    return end.apply(this, arguments as unknown as unknown[])
  } as EndableResponse['end']
}

/** A Node `ServerResponse`, structurally, as {@link sendNodeResponse} writes it. */
export interface WritableResponse {
  statusCode: number
  readonly headersSent: boolean
  setHeader(name: string, value: string): unknown
  end(body: string): unknown
}

/**
 * Writes the flow's answer (a rejection or a duplicate's) on a Node response, unless something
 * answered first: `FlowHooks.send` of an adapter on Node's `http` (Express, Next's Pages Router,
 * NestJS without Fastify).
 *
 * @example
 * send(response) { sendNodeResponse(this.res, response) }
 */
export function sendNodeResponse(res: WritableResponse, { status, headers, body }: FlowResponse): void {
  if (res.headersSent) return
  res.statusCode = status
  for (const name in headers) res.setHeader(name, headers[name] as string)
  res.end(body)
}
