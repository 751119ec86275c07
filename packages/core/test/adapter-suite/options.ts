import { EventEmitter } from 'node:events'
import type { WebhookEvent } from '@hookproof/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { delivery, SECRETS } from './deliveries.js'
import { clearSecretEnv } from './env.js'
import { type AdapterFixture, listen, receiver, send } from './fixture.js'

const clearEnv = () => clearSecretEnv()

/** A designer-cloud GET/DELETE signed for its public URL and received through a proxy on `path`. */
const PROXIED = {
  path: '/hook?jobId=5263842&jobStatus=Failed',
  publicUrl: 'https://hooks.example.com/hook?jobId=5263842&jobStatus=Failed',
  forwarded: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'hooks.example.com' },
} as const

/** How a framework is told to trust X-Forwarded-*, and how its tests say so. */
export interface ProxyTrust<App> {
  /** Ends the test name of the trusting case: `"when 'trust proxy' is on"`. */
  on: string
  /** Ends the test name of the default case: `"when 'trust proxy' is off"`. */
  off: string
  trust(app: App): void
}

/**
 * Registers the option tests every adapter shares: the zero-argument form, `onError: 'next'` with a
 * duplicate, the events, the designer-cloud public URL and proxy trust as `proxy` sets it. How a
 * framework hands an error on is tested beside its adapter.
 */
export function optionTests<App>(
  fixture: AdapterFixture<App>,
  proxy: ProxyTrust<App>,
  /** The adapter builds the request URL only when a scheme signs it (see `FlowRequest`). */
  urlOnDemand = false,
): void {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  describe('zero-argument form', () => {
    it('verifyWebhook() with no options reads ORCHEST_WEBHOOK_SECRET and GITHUB_WEBHOOK_SECRET and detects each sender', async () => {
      clearEnv()
      vi.stubEnv('ORCHEST_WEBHOOK_SECRET', SECRETS.orchest)
      vi.stubEnv('GITHUB_WEBHOOK_SECRET', SECRETS.github)
      const seen: string[] = []
      const app = fixture.app({ '/hook': fixture.verifyWebhook() }, (reply, { webhook }) => {
        seen.push(webhook?.provider ?? '')
        reply(204)
      })
      expect((await send(app, await delivery('orchest'))).status).toBe(204)
      expect((await send(app, await delivery('github'))).status).toBe(204)
      expect((await send(app, await delivery('y42'))).status).toBe(401)
      expect(seen).toEqual(['orchest', 'github'])
    })

    it('verifyWebhook() with no options and no secret in the environment throws a TypeError at startup', () => {
      clearEnv()
      expect(() => fixture.verifyWebhook()).toThrow(TypeError)
      expect(() => fixture.verifyWebhook()).toThrow(/ORCHEST_WEBHOOK_SECRET/)
    })

    it('verifyWebhook() with an unknown provider throws a TypeError at startup, not per request', () => {
      expect(() => fixture.verifyWebhook({ provider: 'stripe' as 'y42', secret: 'x' })).toThrow(TypeError)
    })
  })

  describe('onError', () => {
    it("verifyWebhook({ onError: 'next' }) still acknowledges a processed duplicate with 200 itself", async () => {
      const { app, calls } = receiver(fixture, { provider: 'orchest', secret: SECRETS.orchest, onError: 'next' })
      const d = await delivery('orchest')
      await send(app, d)
      const again = await send(app, d)
      expect(again.status).toBe(200)
      expect(again.body.code).toBe('DUPLICATE_DELIVERY')
      expect(calls).toHaveLength(1)
    })
  })

  describe('events', () => {
    it('verifyWebhook({ onEvent }) reports verified, duplicate and rejected with provider, code and timing but no secret', async () => {
      const events: WebhookEvent[] = []
      const { app } = receiver(fixture, { provider: 'orchest', secret: SECRETS.orchest, onEvent: (e) => events.push(e) })
      const d = await delivery('orchest')
      await send(app, d)
      await send(app, d)
      await send(app, { ...d, body: `${d.body} ` })
      expect(events.map((e) => [e.type, e.provider, e.code, e.status])).toEqual([
        ['verified', 'orchest', undefined, 200],
        ['duplicate', 'orchest', 'DUPLICATE_DELIVERY', 200],
        ['rejected', 'orchest', 'SIGNATURE_MISMATCH', 401],
      ])
      for (const e of events) expect(e.durationMs).toBeGreaterThanOrEqual(0)
      expect(JSON.stringify(events)).not.toContain(SECRETS.orchest)
      expect(JSON.stringify(events)).not.toContain(d.headers['X-Hub-Signature'])
    })

    it('verifyWebhook().on(type, listener) subscribes to verified, duplicate and rejected events', async () => {
      const webhooks = fixture.verifyWebhook({ provider: 'orchest', secret: SECRETS.orchest })
      const app = fixture.app({ '/hook': webhooks }, (reply) => reply(200))
      const seen: string[] = []
      for (const type of ['verified', 'rejected', 'duplicate'] as const)
        webhooks.on(type, (e) => seen.push(`${e.type}:${e.code ?? e.status}`))
      const d = await delivery('orchest')
      await send(app, d)
      await send(app, d)
      await send(app, { ...d, body: `${d.body} ` })
      expect(seen).toEqual(['verified:200', 'duplicate:DUPLICATE_DELIVERY', 'rejected:SIGNATURE_MISMATCH'])
    })

    it('verifyWebhook({ emitter }) emits each event by name on a Node EventEmitter', async () => {
      const emitter = new EventEmitter()
      const names: string[] = []
      for (const name of ['verified', 'rejected', 'duplicate']) emitter.on(name, () => names.push(name))
      const { app } = receiver(fixture, { provider: 'orchest', secret: SECRETS.orchest, emitter })
      const d = await delivery('orchest')
      await send(app, d)
      await send(app, d)
      await send(app, { ...d, headers: { 'content-type': 'application/json' } })
      expect(names).toEqual(['verified', 'duplicate', 'rejected'])
    })
  })

  describe('designer-cloud URLs behind a proxy', () => {
    const { path, publicUrl, forwarded } = PROXIED

    it(`verifyWebhook() rebuilds the signed URL from X-Forwarded-Proto and -Host ${proxy.on}`, async () => {
      const { app, calls } = receiver(fixture, { provider: 'designer-cloud', secret: SECRETS['designer-cloud'] }, undefined, proxy.trust)
      const d = await delivery('designer-cloud', { method: 'DELETE', url: publicUrl })
      const res = await send(app, { ...d, headers: { ...d.headers, ...forwarded } }, path)
      expect(res.status).toBe(200)
      expect(calls).toHaveLength(1)
    })

    it(`verifyWebhook() ignores X-Forwarded-Host ${proxy.off} and answers 401 SIGNATURE_MISMATCH`, async () => {
      const { app, calls } = receiver(fixture, { provider: 'designer-cloud', secret: SECRETS['designer-cloud'] })
      const d = await delivery('designer-cloud', { method: 'DELETE', url: publicUrl })
      const res = await send(app, { ...d, headers: { ...d.headers, ...forwarded } }, path)
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('SIGNATURE_MISMATCH')
      expect(calls).toHaveLength(0)
    })

    it('verifyWebhook({ publicUrl }) verifies a GET against the configured public base URL', async () => {
      const { app } = receiver(fixture, {
        provider: 'designer-cloud',
        secret: SECRETS['designer-cloud'],
        publicUrl: 'https://hooks.example.com/',
      })
      const d = await delivery('designer-cloud', { method: 'GET', url: publicUrl })
      expect((await send(app, d, path)).status).toBe(200)
    })

    it('verifyWebhook({ publicUrl: fn }) verifies a GET against the URL the function returns, called once', async () => {
      let built = 0
      const { app } = receiver(fixture, {
        provider: 'designer-cloud',
        secret: SECRETS['designer-cloud'],
        publicUrl: (req) => {
          built++
          return `https://hooks.example.com${req.originalUrl}`
        },
      })
      const d = await delivery('designer-cloud', { method: 'GET', url: publicUrl })
      expect((await send(app, d, path)).status).toBe(200)
      expect(built).toBe(1)
    })

    it.runIf(urlOnDemand)('verifyWebhook({ publicUrl: fn }) never builds the URL for a delivery whose body is signed (POST)', async () => {
      let built = 0
      const { app, calls } = receiver(fixture, {
        provider: 'designer-cloud',
        secret: SECRETS['designer-cloud'],
        publicUrl: (req) => {
          built++
          return `https://hooks.example.com${req.originalUrl}`
        },
      })
      const d = await delivery('designer-cloud')
      expect((await send(app, d, path)).status).toBe(200)
      expect(calls).toHaveLength(1)
      expect(built).toBe(0)
    })

    it('verifyWebhook() on a plain server signs the URL with the Host header it was called with', async () => {
      const { app } = receiver(fixture, { provider: 'designer-cloud', secret: SECRETS['designer-cloud'] })
      const server = await listen(app)
      try {
        const d = await delivery('designer-cloud', { method: 'GET', url: `${server.origin}${path}` })
        expect((await send(server.server, d, path)).status).toBe(200)
      } finally {
        await server.close()
      }
    })
  })
}
