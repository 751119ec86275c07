// Bundled for a browser/worker (no `node` condition) and run: the Web Crypto entry from the tarball.
import { sign, verifyRequest } from '@hookproof/core'

const secret = 'install-test-secret'
const body = '{"type": "ping", "delivered_for": {"name": "edge"}}'
const headers = { 'content-type': 'application/json', ...(await sign('orchest', { secret, body, id: 'edge-delivery' })) }
const request = new Request('https://worker.example/hook', { method: 'POST', headers, body })
const hook = await verifyRequest(request, { provider: 'orchest', secret })
if (hook.payload?.delivered_for?.name !== 'edge') throw new Error(`unexpected payload ${JSON.stringify(hook.payload)}`)
