import { describe, expect, it } from 'vitest'
import { delivery, duplicateTests, exactlyOnceTests, receiver, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { EXPRESS } from './app.js'

const secret = SECRETS.orchest

describe.each(EXPRESS)('%s', (_name, _express, fixture) => {
  duplicateTests(fixture)
  exactlyOnceTests(fixture)

  it('verifyWebhook() processes the retry of a delivery whose handler passed an error to next()', async () => {
    let failures = 1
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret }, (_reply, _seen, { res, next }) => {
      if (failures-- > 0) return next(new Error('queue full'))
      res.sendStatus(202)
    })
    const d = await delivery('orchest')
    expect((await send(app, d)).status).toBe(500)
    expect((await send(app, d)).status).toBe(202)
    expect(calls).toHaveLength(2)
  })
})
