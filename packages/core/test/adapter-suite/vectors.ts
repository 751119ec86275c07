import { expect, it } from 'vitest'
import { type AdapterFixture, receiver, send } from './fixture.js'

/** The public vectors of VENDORS.md section 5, as literals; `now` is the vector's time. */
const VECTORS = [
  {
    id: 'github-published',
    provider: 'github',
    secret: "It's a Secret to Everybody",
    now: 1_700_000_000_000,
    body: 'Hello, World!',
    headers: { 'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' },
    payload: 'Hello, World!',
  },
  {
    id: 'standard-webhooks-published',
    provider: 'standard-webhooks',
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    now: 1_614_265_330_000,
    body: '{"test": 2432232314}',
    headers: {
      'content-type': 'application/json',
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    },
    payload: { test: 2432232314 },
  },
  {
    id: 'y42-json',
    provider: 'y42',
    secret: 'test-secret-1',
    now: 1_700_000_000_000,
    body: '{"event":"orchestration.run.finished","status":"failed","space":"acme-analytics","orchestration":"daily_build","run_id":"4c1e2f3a-5b6d-4e7f-8a9b-0c1d2e3f4a5b","finished_at":"2023-11-14T22:13:20Z"}',
    headers: {
      'content-type': 'application/json',
      'x-y42-signature': 'sha256=b567643744c62365c2eaa9d26ecbb75922f95149fdf10b7c299d77c47636e8e1',
    },
    payload: { run_id: '4c1e2f3a-5b6d-4e7f-8a9b-0c1d2e3f4a5b', status: 'failed' },
  },
  {
    id: 'orchest-ping-json',
    provider: 'orchest',
    secret: 'test-secret-1',
    now: 1_700_000_000_000,
    body: '{"delivered_for": {"name": "Test webhook", "verify_ssl": false, "content_type": "application/json", "uuid": "a1edb89c-1cfb-4086-8f75-ab073612c5bf", "type": "webhook"}, "event": {"type": "ping", "uuid": "08bd2a31-9b17-4d1b-83ba-b4538a970dee", "timestamp": "2022-06-02 16:12:25.242592+00:00"}}',
    headers: {
      'Content-Type': 'application/json',
      'X-Orchest-Event': 'ping',
      'X-Hub-Signature': '013a0a24404eb66602371fcd644128bdcad404afc5a6cf1c333366472ee7b330',
    },
    payload: { event: { type: 'ping', uuid: '08bd2a31-9b17-4d1b-83ba-b4538a970dee' } },
  },
  {
    id: 'designer-cloud-post',
    provider: 'designer-cloud',
    secret: 'test-secret-1',
    now: 1_700_000_000_000,
    body: '{"jobId":"5263842","jobStatus":"Complete"}',
    headers: {
      'Content-Type': 'application/json',
      'X-Webhook-Signature': 't=1700000000000,sha256=d27803d9c29d0e60487e46c4e0457642a0405872d5c7799635ef60b7a0f630a3',
    },
    payload: { jobId: '5263842', jobStatus: 'Complete' },
  },
] as const

/** Registers each published vector, accepted at its recorded time and rejected with one body byte changed. */
export function vectorTests(fixture: AdapterFixture): void {
  it.each(VECTORS)('verifyWebhook() accepts the published $id vector at its recorded time', async (v) => {
    const { app, calls } = receiver(fixture, { provider: v.provider, secret: v.secret, now: () => v.now })
    const res = await send(app, { provider: v.provider, method: 'POST', body: v.body, headers: { ...v.headers }, payload: undefined })
    expect(res.status).toBe(200)
    expect(calls).toHaveLength(1)
    if (typeof v.payload === 'string') expect(calls[0]?.body).toBe(v.payload)
    else expect(calls[0]?.body).toMatchObject(v.payload)
  })

  it.each(VECTORS)('verifyWebhook() rejects the $id vector with one body byte changed', async (v) => {
    const { app, calls } = receiver(fixture, { provider: v.provider, secret: v.secret, now: () => v.now })
    const body = `${v.body.slice(0, -1)}${v.body.endsWith('}') ? ' ' : '?'}`
    const res = await send(app, { provider: v.provider, method: 'POST', body, headers: { ...v.headers }, payload: undefined })
    expect(res.status).toBe(401)
    expect(res.body.code).toBe('SIGNATURE_MISMATCH')
    expect(calls).toHaveLength(0)
  })
}
