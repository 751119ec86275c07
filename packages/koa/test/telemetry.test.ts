import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { delivery, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { verifyWebhook } from '../src/index.js'
import { KOA } from './app.js'

// a real SDK registered globally: the adapter finds the installed API by itself
const spans = new InMemorySpanExporter()
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] })
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  trace.setGlobalTracerProvider(provider)
})
afterAll(async () => {
  await provider.shutdown()
  trace.disable()
  context.disable()
})
beforeEach(() => spans.reset())

const named = (name: string) => spans.getFinishedSpans().filter((s) => s.name === name)
const parentName = (span: ReadableSpan | undefined) =>
  spans.getFinishedSpans().find((s) => s.spanContext().spanId === span?.parentSpanContext?.spanId)?.name

describe.each(KOA)('OpenTelemetry, %s', (_name, Koa) => {
  function app(secret = SECRETS.github) {
    const a = new Koa()
    a.silent = true
    a.use(verifyWebhook({ provider: 'github', secret }))
    a.use(async (ctx) => {
      // the app's span nests under hookproof.handler through the active context
      trace.getTracer('the-app').startActiveSpan('app.save', (span) => span.end())
      ctx.status = 204
    })
    return a.callback()
  }

  it('a verified delivery: hookproof.webhook with verify, claim (under verify), handler (the app span inside) and settle', async () => {
    await send(app(), await delivery('github')).expect(204)
    expect(named('hookproof.webhook')[0]?.attributes).toMatchObject({
      'hookproof.provider': 'github',
      'hookproof.event': 'ping',
      'hookproof.outcome': 'completed',
    })
    expect(parentName(named('hookproof.verify')[0])).toBe('hookproof.webhook')
    expect(parentName(named('hookproof.claim')[0])).toBe('hookproof.verify')
    expect(parentName(named('hookproof.handler')[0])).toBe('hookproof.webhook')
    expect(parentName(named('hookproof.settle')[0])).toBe('hookproof.webhook')
    expect(parentName(named('app.save')[0])).toBe('hookproof.handler')
  })

  it('a wrong secret: one span with the code, no handler span', async () => {
    await send(app('another secret'), await delivery('github')).expect(401)
    expect(named('hookproof.webhook')[0]?.attributes['hookproof.code']).toBe('SIGNATURE_MISMATCH')
    expect(named('hookproof.handler')).toEqual([])
    expect(named('app.save')).toEqual([])
  })
})
