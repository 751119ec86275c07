import { bodyParser } from '@koa/bodyparser'
import { describe, expect, it } from 'vitest'
import { delivery, errorResponses, receiver, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { KOA } from './app.js'

describe.each(KOA)('%s', (_name, _Koa, fixture) => {
  errorResponses(fixture)

  it('verifyWebhook() after @koa/bodyparser answers 500 BODY_ALREADY_PARSED and names the fix', async () => {
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret: SECRETS.orchest }, undefined, (a) => a.use(bodyParser()))
    const res = await send(app, await delivery('orchest'))
    expect(res.status).toBe(500)
    expect(res.body.code).toBe('BODY_ALREADY_PARSED')
    expect(res.body.detail).toContain('app.use(bodyParser())')
    expect(res.body.detail).toContain('ctx.disableBodyParser')
    expect(calls).toHaveLength(0)
  })
})
