import { sign } from '@hookproof/core'

/** One request, built fresh for each runtime (a Request body can be read once). */
export interface Send {
  method: string
  path: string
  headers: Array<[string, string]>
  body?: string | Uint8Array
}

export interface Expect {
  status: number
  /** problem+json `code` of a rejection. */
  code?: string
  /** The echoed `{ provider, event, deliveryId, payload }` of an accepted delivery (a subset). */
  json?: Record<string, unknown>
}

export interface Case {
  name: string
  /** `clocked` runs with the clock at 1700000000000 (the published vectors' time). */
  clock: 'live' | 'clocked'
  /** Sent first, each must be answered 200 (e.g. the first attempt of a redelivery). */
  before?: Send[]
  send: Send
  expect: Expect
}

export const SECRET = 'test-secret-1'
export const VECTOR_NOW = 1_700_000_000_000
export const ORIGIN = 'https://hooks.example.com'

// VENDORS.md section 5, as literal strings
const PING =
  '{"delivered_for": {"name": "Test webhook", "verify_ssl": false, "content_type": "application/json", "uuid": "a1edb89c-1cfb-4086-8f75-ab073612c5bf", "type": "webhook"}, "event": {"type": "ping", "uuid": "08bd2a31-9b17-4d1b-83ba-b4538a970dee", "timestamp": "2022-06-02 16:12:25.242592+00:00"}}'
const PING_SIG = '013a0a24404eb66602371fcd644128bdcad404afc5a6cf1c333366472ee7b330'
const DC_BODY = '{"jobId":"5263842","jobStatus":"Complete"}'
const DC_SIG = 't=1700000000000,sha256=d27803d9c29d0e60487e46c4e0457642a0405872d5c7799635ef60b7a0f630a3'

const json = ['content-type', 'application/json'] as [string, string]

function orchestJson(delivery: string, type: string): string {
  return `{"delivered_for": {"name": "Receiver", "verify_ssl": true, "content_type": "application/json", "uuid": "a1edb89c-1cfb-4086-8f75-ab073612c5bf", "type": "webhook"}, "event": {"type": "${type}", "uuid": "${delivery}", "timestamp": "2026-11-25 12:00:00.000000+00:00", "project": {"uuid": "7d9e1f20-3a4b-4c5d-9e6f-708192a3b4c5", "name": "Caf\\u00e9"}}}`
}

async function orchest(delivery: string, body: string, contentType = 'application/json'): Promise<Send> {
  const headers = await sign('orchest', { secret: SECRET, body })
  return {
    method: 'POST',
    path: '/webhooks/orchest',
    headers: [
      ['content-type', contentType],
      ['x-orchest-delivery', delivery],
      ['x-orchest-event', 'project:one-off-job:pipeline-run:failed'],
      ...Object.entries(headers),
    ],
    body,
  }
}

async function designer(body: string | Uint8Array, now: number, contentType = 'application/json'): Promise<Send> {
  const headers = await sign('designer-cloud', { secret: SECRET, body, now })
  return { method: 'POST', path: '/webhooks/designer-cloud', headers: [['content-type', contentType], ...Object.entries(headers)], body }
}

function duplicated(send: Send, name: string): Send {
  const value = send.headers.find(([k]) => k.toLowerCase() === name)?.[1] as string
  return { ...send, headers: [...send.headers, [name, value]] }
}

function tampered(send: Send): Send {
  return { ...send, body: String(send.body).replace('failed', 'succeeded').replace('Complete', 'Failed') }
}

/** The deliveries every runtime must answer the same way. Signed now, with core's `sign`. */
// Stale and future cases sit 60 s past the 300 s tolerance: the table is built before the runtimes start.
export async function cases(run: string): Promise<Case[]> {
  const now = Date.now()
  const id = (n: number) => `${run}-0000-4000-8000-${String(n).padStart(12, '0')}`
  const ok = await orchest(id(1), orchestJson(id(1), 'project:one-off-job:pipeline-run:failed'))
  const form = `delivered_for=${encodeURIComponent('{"name": "Form", "type": "webhook"}').replaceAll('%20', '+')}&event=${encodeURIComponent(`{"type": "ping", "uuid": "${id(2)}"}`).replaceAll('%20', '+')}`
  const redelivered = await orchest(id(3), orchestJson(id(3), 'project:cron-job:run:failed'))
  const dc = await designer(`{"jobId":"${run}","jobStatus":"Complete"}`, now - 2_000)
  const binary = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0xc3, 0x28])
  const getUrl = `${ORIGIN}/webhooks/designer-cloud?jobId=${run}&jobStatus=Failed`
  const getHeaders = await sign('designer-cloud', { secret: SECRET, body: '', method: 'GET', url: getUrl, now })
  return [
    {
      name: 'a valid Orchest JSON delivery is answered 200 with its payload',
      clock: 'live',
      send: ok,
      expect: {
        status: 200,
        json: {
          provider: 'orchest',
          deliveryId: id(1),
          event: 'project:one-off-job:pipeline-run:failed',
          payload: JSON.parse(String(ok.body)),
        },
      },
    },
    {
      name: 'a valid Orchest form delivery is answered 200 with its JSON-decoded fields',
      clock: 'live',
      send: await orchest(id(2), form, 'application/x-www-form-urlencoded'),
      expect: {
        status: 200,
        json: { payload: { delivered_for: { name: 'Form', type: 'webhook' }, event: { type: 'ping', uuid: id(2) } } },
      },
    },
    {
      name: 'a tampered Orchest body is 401 SIGNATURE_MISMATCH',
      clock: 'live',
      send: tampered(ok),
      expect: { status: 401, code: 'SIGNATURE_MISMATCH' },
    },
    {
      name: 'an Orchest signature header sent twice is 400 MALFORMED_SIGNATURE',
      clock: 'live',
      send: duplicated(ok, 'x-hub-signature'),
      expect: { status: 400, code: 'MALFORMED_SIGNATURE' },
    },
    {
      name: 'an Orchest redelivery of a processed delivery is acknowledged 200 DUPLICATE_DELIVERY',
      clock: 'live',
      before: [redelivered],
      send: redelivered,
      expect: { status: 200, code: 'DUPLICATE_DELIVERY' },
    },
    {
      name: 'a request without a signature is 401 MISSING_SIGNATURE',
      clock: 'live',
      send: { ...ok, headers: [json] },
      expect: { status: 401, code: 'MISSING_SIGNATURE' },
    },
    {
      name: 'a valid Designer Cloud delivery is answered 200 with its payload',
      clock: 'live',
      send: dc,
      expect: { status: 200, json: { provider: 'designer-cloud', payload: { jobId: run, jobStatus: 'Complete' } } },
    },
    {
      name: 'a binary Designer Cloud body (invalid UTF-8) verifies byte for byte',
      clock: 'live',
      send: await designer(binary, now, 'application/octet-stream'),
      expect: { status: 200 },
    },
    {
      name: 'a tampered Designer Cloud body is 401 SIGNATURE_MISMATCH',
      clock: 'live',
      send: tampered(dc),
      expect: { status: 401, code: 'SIGNATURE_MISMATCH' },
    },
    {
      name: 'a Designer Cloud t 360 s old is 401 TIMESTAMP_TOO_OLD',
      clock: 'live',
      send: await designer(DC_BODY, now - 360_000),
      expect: { status: 401, code: 'TIMESTAMP_TOO_OLD' },
    },
    {
      name: 'a Designer Cloud t 360 s ahead is 401 TIMESTAMP_IN_FUTURE',
      clock: 'live',
      send: await designer(DC_BODY, now + 360_000),
      expect: { status: 401, code: 'TIMESTAMP_IN_FUTURE' },
    },
    {
      name: 'a Designer Cloud signature header sent twice is 400 MALFORMED_SIGNATURE',
      clock: 'live',
      send: duplicated(dc, 'x-webhook-signature'),
      expect: { status: 400, code: 'MALFORMED_SIGNATURE' },
    },
    {
      name: 'a Designer Cloud GET is verified over the URL as received',
      clock: 'live',
      send: { method: 'GET', path: getUrl.slice(ORIGIN.length), headers: Object.entries(getHeaders) },
      expect: { status: 200, json: { provider: 'designer-cloud' } },
    },
    {
      name: 'the published designer-cloud-post vector is accepted with the clock at its t',
      clock: 'clocked',
      send: { method: 'POST', path: '/webhooks/designer-cloud', headers: [json, ['x-webhook-signature', DC_SIG]], body: DC_BODY },
      expect: { status: 200, json: { provider: 'designer-cloud', payload: { jobId: '5263842', jobStatus: 'Complete' } } },
    },
    {
      name: 'the published designer-cloud-post vector is 401 TIMESTAMP_TOO_OLD on a live clock',
      clock: 'live',
      send: { method: 'POST', path: '/webhooks/designer-cloud', headers: [json, ['x-webhook-signature', DC_SIG]], body: DC_BODY },
      expect: { status: 401, code: 'TIMESTAMP_TOO_OLD' },
    },
    {
      name: 'the published orchest-ping-json vector is accepted',
      clock: 'clocked',
      send: {
        method: 'POST',
        path: '/webhooks/orchest',
        headers: [json, ['x-orchest-event', 'ping'], ['x-hub-signature', PING_SIG]],
        body: PING,
      },
      expect: { status: 200, json: { provider: 'orchest', event: 'ping', payload: JSON.parse(PING) } },
    },
  ]
}

/** Sends one request through `fetch` (workerd's or a Node-side handler's) and checks the answer. */
export async function answer(
  fetch: (url: string, init: RequestInit) => Promise<Response>,
  send: Send,
): Promise<{ status: number; body: Record<string, unknown>; type: string | null }> {
  const init: RequestInit = { method: send.method, headers: send.headers }
  if (send.body !== undefined) init.body = send.body as BodyInit
  const response = await fetch(ORIGIN + send.path, init)
  const text = await response.text()
  let body: Record<string, unknown>
  try {
    body = JSON.parse(text)
  } catch {
    body = { text }
  }
  return { status: response.status, body, type: response.headers.get('content-type') }
}

/** Runs one case through `fetch` and returns what differs from the expectation (empty when all holds). */
export async function mismatches(fetch: (url: string, init: RequestInit) => Promise<Response>, c: Case): Promise<string[]> {
  const out: string[] = []
  for (const before of c.before ?? []) {
    const first = await answer(fetch, before)
    if (first.status !== 200) out.push(`first attempt answered ${first.status}`)
  }
  const got = await answer(fetch, c.send)
  const want = c.expect
  if (got.status !== want.status) out.push(`status ${got.status}, expected ${want.status}`)
  if (want.code !== undefined) {
    if (got.body.code !== want.code) out.push(`code ${String(got.body.code)}, expected ${want.code}`)
    // a processed duplicate (200) is acknowledged as plain JSON, a rejection as problem+json
    const type = want.status < 300 ? 'application/json' : 'application/problem+json'
    if (got.type !== type) out.push(`content-type ${got.type}, expected ${type}`)
  }
  for (const [key, value] of Object.entries(want.json ?? {})) {
    if (JSON.stringify(got.body[key]) !== JSON.stringify(value))
      out.push(`${key} ${JSON.stringify(got.body[key])?.slice(0, 200)}, expected ${JSON.stringify(value).slice(0, 200)}`)
  }
  return out
}
