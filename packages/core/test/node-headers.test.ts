import { createServer, type IncomingMessage } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import { nodeRequestHeaders } from '@hookproof/core/adapter'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// a real Node server: each raw request's IncomingMessage goes to `inspect`
let inspect: (req: IncomingMessage) => unknown = () => undefined
let seen: unknown
const server = createServer((req, res) => {
  seen = inspect(req)
  req.resume()
  req.on('end', () => res.end())
})
let port = 0
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

/** Sends the header lines as written (casing and repeats kept) and returns what `inspect` saw. */
function sendRaw(headerLines: string[], fn: (req: IncomingMessage) => unknown): Promise<unknown> {
  inspect = fn
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    socket.on('error', reject)
    socket.on('data', () => {
      socket.destroy()
      resolve(seen)
    })
    socket.write(
      `POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\n${headerLines.join('\r\n')}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    )
  })
}

const SIG = 'X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'
const OTHER = 'x-hub-signature-256: sha256=0000000000000000000000000000000000000000000000000000000000000000'

describe('nodeRequestHeaders()', () => {
  it('nodeRequestHeaders() of a request with no repeated name is req.headers itself (no headersDistinct built)', async () => {
    const same = await sendRaw([SIG, 'Content-Type: application/json'], (req) => nodeRequestHeaders(req) === req.headers)
    expect(same).toBe(true)
  })

  it('nodeRequestHeaders() of a signature header sent twice (two spellings) keeps both values', async () => {
    const value = await sendRaw([SIG, OTHER], (req) => (nodeRequestHeaders(req) as Record<string, unknown>)['x-hub-signature-256'])
    expect(value).toEqual([SIG.slice(21), OTHER.slice(21)])
  })

  it('nodeRequestHeaders() of a header Node keeps only once (Content-Type twice) still shows both copies', async () => {
    const value = await sendRaw([SIG, 'Content-Type: application/json', 'Content-Type: text/plain'], (req) => {
      expect(req.headers['content-type']).toBe('application/json') // what Node's headers alone would show
      return (nodeRequestHeaders(req) as Record<string, unknown>)['content-type']
    })
    expect(value).toEqual(['application/json', 'text/plain'])
  })

  it('nodeRequestHeaders() after a middleware added a header to req.headers reads the received headers', async () => {
    const value = await sendRaw([SIG, OTHER], (req) => {
      // Node joined the two copies; a key added later must not make the count look like no repeat
      req.headers['x-added'] = 'by middleware'
      return (nodeRequestHeaders(req) as Record<string, unknown>)['x-hub-signature-256']
    })
    expect(value).toEqual([SIG.slice(21), OTHER.slice(21)])
  })
})
