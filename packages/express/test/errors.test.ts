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
    expect(res.body.detail).toContain('express.json()')
    expect(res.body.detail).toContain('express.raw(')
    expect(calls).toHaveLength(0)
  })
})
