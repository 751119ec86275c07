/** A Node `ServerResponse`, structurally: the adapters' responses without importing node:http. */
export interface EndableResponse {
  statusCode: number
  end: (...args: never[]) => unknown
}

/**
 * Calls `resolve` with the status once the handler answers: the response's first `end` call
 * (every answer of a Node framework ends there: the handler's, an error handler's 500, a hijacked
 * reply's own write), whether or not the socket is still open. A closed socket is deliberately
 * not an answer: the handler is still running, and its claim must hold. For `FlowHooks.handle`.
 *
 * @example
 * handle: (webhook) => new Promise((resolve) => { whenAnswered(res, resolve); runHandler(webhook) })
 */
export function whenAnswered(res: EndableResponse, resolve: (status: number) => void): void {
  const end = res.end as (...args: unknown[]) => unknown
  let pending = true
  // The wrapper stays in place after the first call (a flag, not a second write to `res`: on an
  // Express response, whose map is its own, each write is an uncached lookup) and forwards
  // `arguments` as they came, which allocates no array where a rest parameter would.
  res.end = function endAndSettle(this: unknown) {
    if (pending) {
      pending = false
      resolve(res.statusCode)
    }
    // biome-ignore lint/complexity/noArguments: forwarded as is: no array per call, and the original sees the same argument count
    return end.apply(this, arguments as unknown as unknown[])
  } as EndableResponse['end']
}
