/**
 * What OpenTelemetry costs per delivery through the adapter flow (in process, no HTTP): run by
 * run.ts as `node --import tsx bench/telemetry.ts <noop|sdk>`, one process per mode, since an
 * SDK's AsyncLocalStorage context manager slows every promise in its process (the baseline too).
 *
 * - `noop`: `@opentelemetry/api` installed, no SDK registered (its no-op tracer and meter) against
 *   `telemetry: false`, which is also the path when the API is not installed (the same branch:
 *   the flow's telemetry is `undefined`).
 * - `sdk`: the SDK with an in-memory exporter (SimpleSpanProcessor) and a meter, against
 *   `telemetry: false` in the same process.
 * Prints `@@result <json>` for run.ts.
 */

import { sign } from '@hookproof/core'
import { createWebhookFlow, type FlowHooks, type OpenTelemetryApi } from '@hookproof/core/adapter'
import * as otel from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { MeterProvider } from '@opentelemetry/sdk-metrics'
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { jsonBody, SECRET } from './lib/fixtures.js'
import { compare, type MeasureOptions } from './lib/measure.js'

const mode = process.argv[2] === 'sdk' ? 'sdk' : 'noop'
const quick = process.argv.includes('--quick')
const opts: MeasureOptions = quick ? { rounds: 2, cpuMs: 20, minSamples: 6 } : { rounds: 5, cpuMs: 50, minSamples: 12 }

export interface TelemetryRow {
  name: string
  ns: number
  ratio: number
  min: number
  max: number
}

let api: OpenTelemetryApi = otel
let exporter: InMemorySpanExporter | undefined
if (mode === 'sdk') {
  otel.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  exporter = new InMemorySpanExporter()
  const tracers = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] })
  const meters = new MeterProvider()
  api = {
    trace: { getTracer: (name) => tracers.getTracer(name), setSpan: otel.trace.setSpan },
    context: otel.context,
    metrics: { getMeter: (name) => meters.getMeter(name) },
  }
}

const body = new Uint8Array(jsonBody(1024))
const headers = { ...(await sign('github', { secret: SECRET, body, id: 'bench-1', event: 'push' })), 'content-type': 'application/json' }
const hooks: FlowHooks = {
  readBody: async () => body,
  readRequest: () => ({ headers, method: 'POST' }),
  send: () => {
    throw new Error('the bench delivery was rejected')
  },
  handle: async () => 204,
}
const off = createWebhookFlow({ provider: 'github', secret: SECRET, replayStore: false, telemetry: false })
const on = createWebhookFlow({ provider: 'github', secret: SECRET, replayStore: false, telemetry: api })
let runs = 0
const traced = async () => {
  await on.run(hooks)
  // keep the exporter's buffer small: the cost measured is the span's, not an ever-growing array's
  if (exporter !== undefined && ++runs % 1000 === 0) exporter.reset()
}
const name = mode === 'sdk' ? 'SDK, in-memory exporter' : 'API installed, no SDK'
const results = await compare(
  { 'telemetry off (= API not installed)': () => off.run(hooks), [name]: traced },
  'telemetry off (= API not installed)',
  opts,
)
const rows: TelemetryRow[] = results.map((r) => ({
  name: r.name,
  ns: r.ns.median,
  ratio: r.ratio.median,
  min: r.ratio.min,
  max: r.ratio.max,
}))
console.log(`@@result ${JSON.stringify({ rows })}`)
