// The flow traces only while an OpenTelemetry SDK is registered: with just `@opentelemetry/api`
// installed, every request takes the untraced path (no span started, no context entered), and
// an SDK registered after the flow was built (or disabled again) is seen on the next request.
import { sign } from '@hookproof/core'
import { createWebhookFlow, type FlowHooks, type OpenTelemetryApi } from '@hookproof/core/adapter'
import * as otel from '@opentelemetry/api'
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics'
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { afterEach, describe, expect, it } from 'vitest'

const SECRET = "It's a Secret to Everybody"

let started = 0
/** The real API, with `startSpan` counted: 0 means the request ran untraced. */
const api: OpenTelemetryApi = {
  trace: {
    getTracer: (name, version) => {
      const tracer = otel.trace.getTracer(name, version)
      return {
        startSpan: (spanName, options, context) => {
          started++
          return tracer.startSpan(spanName, options, context as otel.Context)
        },
      }
    },
    setSpan: (context, span) => otel.trace.setSpan(context as otel.Context, span as otel.Span),
    getTracerProvider: () => otel.trace.getTracerProvider(),
  },
  context: otel.context,
  metrics: otel.metrics,
  ProxyTracerProvider: otel.ProxyTracerProvider,
  createNoopMeter: otel.createNoopMeter,
}

async function deliver(flow: ReturnType<typeof createWebhookFlow>, id: string): Promise<number | undefined> {
  // a body of its own per delivery: the replay key covers the signed bytes
  const body = new TextEncoder().encode(`{"zen":"Keep it logically awesome.","id":"${id}"}`)
  const headers = await sign('github', { secret: SECRET, body, id, event: 'push' })
  let status: number | undefined
  const hooks: FlowHooks = {
    readBody: async () => body,
    readRequest: () => ({ headers, method: 'POST' }),
    send: (response) => {
      status = response.status
    },
    handle: async () => {
      status = 204
      return 204
    },
  }
  await flow.run(hooks)
  return status
}

afterEach(() => {
  otel.trace.disable()
  otel.metrics.disable()
  started = 0
})

describe('telemetry follows the SDK registration', () => {
  it('starts no span while no SDK is registered, and traces once one is', async () => {
    const flow = createWebhookFlow({ provider: 'github', secret: SECRET, telemetry: api })
    expect(await deliver(flow, 'a-1')).toBe(204)
    expect(started).toBe(0)

    const exporter = new InMemorySpanExporter()
    otel.trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }))
    expect(await deliver(flow, 'a-2')).toBe(204)
    const names = exporter.getFinishedSpans().map((s) => s.name)
    expect(names).toContain('hookproof.webhook')
    expect(names).toContain('hookproof.claim')
    expect(names).toContain('hookproof.settle')

    otel.trace.disable()
    started = 0
    expect(await deliver(flow, 'a-3')).toBe(204)
    expect(started).toBe(0)
  })

  it('counts into a meter provider registered after the flow was built', async () => {
    const flow = createWebhookFlow({ provider: 'github', secret: SECRET, replayStore: false, telemetry: api })
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })
    const meters = new MeterProvider({ readers: [reader] })
    otel.metrics.setGlobalMeterProvider(meters)
    expect(await deliver(flow, 'b-1')).toBe(204)
    expect(await deliver(flow, 'b-2')).toBe(204)
    await reader.forceFlush()
    const points = exporter
      .getMetrics()
      .flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))
      .filter((m) => m.descriptor.name === 'hookproof.webhook.verified')
      .flatMap((m) => m.dataPoints.map((p) => p.value))
    expect(points).toEqual([2])
    await meters.shutdown()
  })

  it('a hand-made API object without the registration functions always traces', async () => {
    let spans = 0
    const handMade: OpenTelemetryApi = {
      trace: {
        getTracer: () => ({
          startSpan: () => {
            spans++
            return { setAttribute: () => undefined, setStatus: () => undefined, end: () => undefined }
          },
        }),
        setSpan: (context) => context,
      },
      context: { active: () => ({}), with: (_context, fn, thisArg, ...args) => fn.apply(thisArg, args) },
      metrics: otel.metrics,
    }
    const flow = createWebhookFlow({ provider: 'github', secret: SECRET, replayStore: false, telemetry: handMade })
    expect(await deliver(flow, 'c-1')).toBe(204)
    expect(spans).toBeGreaterThanOrEqual(3)
  })
})
