import { describe, expect, it } from 'vitest'
import { delivery, errorResponses, receiver, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { EXPRESS } from './app.js'

describe.each(EXPRESS)('%s', (_name, express, fixture) => {
  errorResponses(fixture)

  it('verifyWebhook() after express.json() answers 500 BODY_ALREADY_PARSED and names the fix', async () => {
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret: SECRETS.orchest }, undefined, (a) => a.use(express.json()))
    const res = await send(app, await delivery('orchest'))
    expect(res.status).toBe(500)
    expect(res.body.code).toBe('BODY_ALREADY_PARSED')
    // the two fixes that work under a global express.json(), and not a route-level express.raw(),
    // which the global parser runs before
    expect(res.body.detail).toContain('before app.use(express.json())')
    expect(res.body.detail).toContain('express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })')
    expect(res.body.detail).not.toContain('express.raw(')
    expect(calls).toHaveLength(0)
  })
})
