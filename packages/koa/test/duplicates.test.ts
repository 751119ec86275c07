import { describe, expect, it } from 'vitest'
import { delivery, duplicateTests, exactlyOnceTests, receiver, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { KOA } from './app.js'

const secret = SECRETS.orchest

describe.each(KOA)('%s', (_name, _Koa, fixture) => {
  duplicateTests(fixture)
  exactlyOnceTests(fixture)

  it('verifyWebhook() processes the retry of a delivery whose async handler rejected', async () => {
    let failures = 1
    const { app, calls } = receiver(fixture, { provider: 'orchest', secret }, async (_reply, _seen, { ctx }) => {
      await Promise.resolve()
      if (failures-- > 0) throw Object.assign(new Error('queue full'), { status: 500 })
      ctx.status = 202
    })
    const d = await delivery('orchest')
    expect((await send(app, d)).status).toBe(500)
    expect((await send(app, d)).status).toBe(202)
    expect(calls).toHaveLength(2)
  })
})
