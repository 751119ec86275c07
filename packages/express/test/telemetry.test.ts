import { MemoryReplayStore, type ReplayStore } from '@hookproof/core'
import * as otel from '@opentelemetry/api'
import { context, metrics, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics'
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { delivery, SECRETS, send } from '../../core/test/adapter-suite/index.js'
import { verifyWebhook } from '../src/index.js'
import { EXPRESS } from './app.js'

// A real SDK, registered globally the way an app's tracing setup does it: the adapter picks up
// the installed @opentelemetry/api by itself (no option), as a user's app would.
const spans = new InMemorySpanExporter()
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })
const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] })
const meterProvider = new MeterProvider({ readers: [reader] })
const appTracer = () => trace.getTracer('the-app')

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  trace.setGlobalTracerProvider(tracerProvider)
  metrics.setGlobalMeterProvider(meterProvider)
})
afterAll(async () => {
  await tracerProvider.shutdown()
  await meterProvider.shutdown()
  trace.disable()
  metrics.disable()
  context.disable()
})
beforeEach(() => spans.reset())

/** Sum of a counter's points matching `attributes`, from a fresh collection. */
async function counter(name: string, attributes: Record<string, string> = {}): Promise<number> {
  metricExporter.reset()
  await reader.forceFlush()
  let total = 0
  for (const resource of metricExporter.getMetrics())
    for (const scope of resource.scopeMetrics)
      for (const metric of scope.metrics) {
        if (metric.descriptor.name !== name) continue
        for (const point of metric.dataPoints) {
          if (Object.entries(attributes).every(([k, v]) => point.attributes[k] === v)) total += point.value as number
        }
      }
  return total
}

function byName(name: string): ReadableSpan[] {
  return spans.getFinishedSpans().filter((s) => s.name === name)
}

function parentOf(span: ReadableSpan): ReadableSpan | undefined {
  const id = span.parentSpanContext?.spanId
  return spans.getFinishedSpans().find((s) => s.spanContext().spanId === id)
}

describe.each(EXPRESS)('OpenTelemetry, %s', (_name, express) => {
  function app(options: Parameters<typeof verifyWebhook>[0] = {}) {
    const a = express()
    a.post('/hook', verifyWebhook({ provider: 'orchest', secret: SECRETS.orchest, ...options }), (req, res) => {
      // the app's own span: nested under the handler's span through the active context
      appTracer().startActiveSpan('app.save', (span) => {
        span.end()
        res.status(req.body === undefined ? 500 : 204).end()
      })
    })
    return a
  }

  it('a verified delivery: one hookproof.webhook span with verify, claim, handler (the app span inside) and settle', async () => {
    const before = await counter('hookproof.webhook.verified', { 'hookproof.provider': 'orchest' })
    const d = await delivery('orchest')
    await send(app(), d).expect(204)
    const [root] = byName('hookproof.webhook')
    expect(root).toBeDefined()
    if (root === undefined) return
    expect(root.attributes).toMatchObject({
      'hookproof.provider': 'orchest',
      'hookproof.event': 'project:one-off-job:succeeded',
      'http.response.status_code': 204,
      'hookproof.outcome': 'completed',
    })
    expect(root.status.code).toBe(0)
    for (const name of ['hookproof.verify', 'hookproof.handler', 'hookproof.settle']) {
      const [span] = byName(name)
      expect(span, name).toBeDefined()
      expect(span && parentOf(span)?.name, `${name}'s parent`).toBe('hookproof.webhook')
    }
    const [claim] = byName('hookproof.claim')
    expect(claim && parentOf(claim)?.name).toBe('hookproof.verify')
    const [save] = byName('app.save')
    expect(save && parentOf(save)?.name).toBe('hookproof.handler')
    expect(byName('hookproof.settle')[0]?.attributes['hookproof.operation']).toBe('complete')
    expect(await counter('hookproof.webhook.verified', { 'hookproof.provider': 'orchest' })).toBe(before + 1)
  })

  it('a forgery: the span carries the code and is not an error of this server; rejected counted by code', async () => {
    const before = await counter('hookproof.webhook.rejected', { 'hookproof.code': 'SIGNATURE_MISMATCH' })
    const d = await delivery('orchest')
    const forged = { ...d, body: d.body.replace('succeeded', 'failed') }
    await send(app(), forged).expect(401)
    const [root] = byName('hookproof.webhook')
    expect(root?.attributes).toMatchObject({ 'hookproof.code': 'SIGNATURE_MISMATCH', 'http.response.status_code': 401 })
    expect(root?.status.code).toBe(0)
    expect(byName('hookproof.handler')).toEqual([])
    expect(await counter('hookproof.webhook.rejected', { 'hookproof.code': 'SIGNATURE_MISMATCH' })).toBe(before + 1)
  })

  it('a duplicate: counted, answered without a handler span', async () => {
    const a = app()
    const before = await counter('hookproof.webhook.duplicates')
    const d = await delivery('orchest')
    await send(a, d).expect(204)
    spans.reset()
    await send(a, d).expect(200)
    expect(byName('hookproof.handler')).toEqual([])
    expect(byName('hookproof.webhook')[0]?.attributes['hookproof.code']).toBe('DUPLICATE_DELIVERY')
    expect(await counter('hookproof.webhook.duplicates')).toBe(before + 1)
  })

  it('a store that fails: 503 STORE_UNAVAILABLE, the span is an error, store errors counted', async () => {
    const broken: ReplayStore = {
      begin: () => Promise.reject(new Error('connection refused')),
      complete: () => Promise.resolve(),
      abort: () => Promise.resolve(),
    }
    const before = await counter('hookproof.store.errors')
    await send(app({ replayStore: broken }), await delivery('orchest')).expect(503)
    const [root] = byName('hookproof.webhook')
    expect(root?.attributes['hookproof.code']).toBe('STORE_UNAVAILABLE')
    expect(root?.status.code).toBe(2)
    expect(await counter('hookproof.store.errors')).toBe(before + 1)
  })

  it('a handler answering 500: the delivery is released (settle abort) and the span is an error', async () => {
    const a = express()
    a.post('/hook', verifyWebhook({ provider: 'orchest', secret: SECRETS.orchest }), (_req, res) => {
      res.status(500).end()
    })
    await send(a, await delivery('orchest')).expect(500)
    expect(byName('hookproof.webhook')[0]?.attributes['hookproof.outcome']).toBe('aborted')
    expect(byName('hookproof.webhook')[0]?.status.code).toBe(2)
    expect(byName('hookproof.settle')[0]?.attributes['hookproof.operation']).toBe('abort')
  })

  it('telemetry: false: no span, no count', async () => {
    const before = await counter('hookproof.webhook.verified')
    await send(app({ telemetry: false }), await delivery('orchest')).expect(204)
    expect(byName('hookproof.webhook')).toEqual([])
    expect(byName('app.save')).toHaveLength(1)
    expect(await counter('hookproof.webhook.verified')).toBe(before)
  })

  it('the API passed explicitly (edge runtimes) works the same', async () => {
    await send(app({ telemetry: otel }), await delivery('orchest')).expect(204)
    expect(byName('hookproof.webhook')).toHaveLength(1)
  })

  it('never a secret, a signature, a header or the payload in any span attribute (property over random secrets)', async () => {
    for (let n = 0; n < 20; n++) {
      spans.reset()
      const secret = `s3cr3t-${crypto.randomUUID()}`
      const a = express()
      a.post('/hook', verifyWebhook({ provider: 'orchest', secret, replayStore: new MemoryReplayStore() }), (_req, res) => {
        res.status(204).end()
      })
      const d = await delivery('orchest', { sign: { secret } })
      const forged = n % 2 === 0 ? d : { ...d, body: d.body.replace('hook', 'hooc') }
      await send(a, forged)
      const text = JSON.stringify(spans.getFinishedSpans().map((s) => [s.name, s.attributes, s.events, s.status]))
      expect(text).not.toContain(secret)
      // every header but the event name (an attribute by design): signature, delivery id, timestamp
      for (const value of Object.values(d.headers)) {
        if (value.length > 12 && value !== 'project:one-off-job:succeeded') expect(text).not.toContain(value)
      }
      expect(text).not.toContain('delivered_for')
    }
  })

  it('a bad telemetry option fails at startup', () => {
    expect(() => verifyWebhook({ provider: 'orchest', secret: 'x', telemetry: {} as never })).toThrow(
      /telemetry must be false or the @opentelemetry\/api module/,
    )
  })
})
