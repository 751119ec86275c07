/**
 * OpenTelemetry for the adapter flow, without a dependency on `@opentelemetry/api`: the flow is
 * given the API object (the node adapter entry loads it when it is installed) and uses only the
 * structural subset below. Off (no API), nothing here runs: the flow checks one `undefined` per
 * request. On, each delivery gets a `hookproof.webhook` span with children `hookproof.verify`
 * (body, signature, time), `hookproof.claim` (the replay store's `begin`), `hookproof.handler`
 * (the app's handler, as the active span, so the app's own spans nest under it) and
 * `hookproof.settle` (`complete` or `abort`); and counters. Attributes carry the provider, the
 * event, the code, the status and the outcome: never a payload, a header, a secret or a signature.
 */
import type { ReplayStore } from './replay.js'

/** The part of `@opentelemetry/api`'s `Span` the flow uses. */
export interface OtelSpan {
  setAttribute(key: string, value: string | number | boolean): unknown
  setStatus(status: { code: number; message?: string }): unknown
  end(): void
}

/**
 * The part of `@opentelemetry/api` the flow uses; pass the module itself.
 *
 * @example
 * import * as otel from '@opentelemetry/api'
 * app.post('/webhooks/orchest', verifyWebhook({ provider: 'orchest', secret, telemetry: otel }), handler)
 */
export interface OpenTelemetryApi {
  readonly trace: {
    getTracer(
      name: string,
      version?: string,
    ): {
      startSpan(name: string, options?: { attributes?: Record<string, string | number | boolean> }, context?: unknown): OtelSpan
    }
    setSpan(context: unknown, span: OtelSpan): unknown
    /** The global provider (a `ProxyTracerProvider`): with no SDK registered, its delegate is the no-op one. */
    getTracerProvider?(): unknown
  }
  readonly context: {
    active(): unknown
    with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
      context: unknown,
      fn: F,
      thisArg?: unknown,
      ...args: A
    ): ReturnType<F>
  }
  readonly metrics: {
    getMeter(
      name: string,
      version?: string,
    ): {
      createCounter(
        name: string,
        options?: { description?: string; unit?: string },
      ): { add(value: number, attributes?: Record<string, string>): void }
      createHistogram(
        name: string,
        options?: { description?: string; unit?: string },
      ): { record(value: number, attributes?: Record<string, string>): void }
    }
    /** The global provider: the no-op one until an SDK registers a meter provider. */
    getMeterProvider?(): { getMeter(name: string, version?: string): unknown }
  }
  /** Only to find the no-op tracer provider (a fresh proxy's delegate); optional, as in a hand-made API object. */
  readonly ProxyTracerProvider?: new () => { getDelegate?(): unknown }
  /** The no-op meter, to tell the no-op meter provider from an SDK's. */
  readonly createNoopMeter?: () => unknown
}

/** What the flow reports at the end of a request (a subset of `WebhookEvent`). */
export interface TelemetryEnd {
  readonly type: 'verified' | 'rejected' | 'duplicate'
  readonly provider: string | undefined
  readonly code: string | undefined
  readonly status: number | undefined
  readonly event: string | undefined
  readonly outcome?: 'completed' | 'aborted'
  readonly durationMs: number
}

/** One request's spans. */
export interface RequestTrace {
  /** Runs the whole request with its span active, so settle's span nests under it too. */
  run<T>(fn: () => Promise<T>): Promise<T>
  /** Runs verification in its own span (the claim's span nests under it). */
  verify<T>(fn: () => Promise<T>): Promise<T>
  /** Runs the handler with its own span active. */
  handle<T>(fn: () => Promise<T>): Promise<T>
  end(event: TelemetryEnd): void
}

/** The flow's telemetry: starts a trace per request and wraps the replay store for the claim and settle spans. */
export interface FlowTelemetry {
  /** `undefined` while neither a tracer provider nor a meter provider is registered: the request runs untraced. */
  start(): RequestTrace | undefined
  store(store: ReplayStore): ReplayStore
}

const NAME = '@hookproof/core'
const ERROR = 2

/**
 * The option's value as the flow uses it: `undefined` when off. `telemetry: false` turns it off;
 * an API object turns it on; `undefined` uses `detected` (what the node entry found installed).
 */
export function flowTelemetry(option: unknown, detected: OpenTelemetryApi | undefined): FlowTelemetry | undefined {
  if (option === false) return undefined
  if (option === undefined || option === true) return detected === undefined ? undefined : createTelemetry(detected)
  const api = option as Partial<OpenTelemetryApi>
  if (
    typeof api?.trace?.getTracer !== 'function' ||
    typeof api.context?.with !== 'function' ||
    typeof api.metrics?.getMeter !== 'function'
  ) {
    throw new TypeError("telemetry must be false or the @opentelemetry/api module (import * as otel from '@opentelemetry/api')")
  }
  return createTelemetry(api as OpenTelemetryApi)
}

/**
 * Whether an SDK is registered, asked per request (an app may register its SDK after the flow is
 * built, or disable it): `@opentelemetry/api` with no SDK answers every call with no-op objects,
 * and tracing through them still costs a context, spans and closures per delivery. The tracer
 * side: the global `ProxyTracerProvider`'s delegate is the no-op provider (the same object a
 * fresh proxy delegates to). The meter side: the global meter provider hands out the no-op meter.
 * An API object that lacks these functions (a hand-made one) counts as registered.
 */
function registration(api: OpenTelemetryApi): { tracing(): boolean; meterProvider(): unknown } {
  const noopTracers = typeof api.ProxyTracerProvider === 'function' ? new api.ProxyTracerProvider().getDelegate?.() : undefined
  const noopMeter = typeof api.createNoopMeter === 'function' ? api.createNoopMeter() : undefined
  let lastMeters: unknown
  let metersLive = true
  return {
    tracing() {
      if (noopTracers === undefined || typeof api.trace.getTracerProvider !== 'function') return true
      const provider = api.trace.getTracerProvider() as { getDelegate?(): unknown } | undefined
      return typeof provider?.getDelegate !== 'function' || provider.getDelegate() !== noopTracers
    },
    /** The registered meter provider, `undefined` for the no-op one; `api` itself when it cannot tell. */
    meterProvider() {
      if (noopMeter === undefined || typeof api.metrics.getMeterProvider !== 'function') return api
      const provider = api.metrics.getMeterProvider()
      if (provider !== lastMeters) {
        lastMeters = provider
        metersLive = provider?.getMeter(NAME) !== noopMeter
      }
      return metersLive ? provider : undefined
    },
  }
}

type Instruments = ReturnType<typeof instruments>

function instruments(api: OpenTelemetryApi) {
  const meter = api.metrics.getMeter(NAME)
  return {
    verified: meter.createCounter('hookproof.webhook.verified', { description: 'Deliveries verified and handed to the handler' }),
    rejected: meter.createCounter('hookproof.webhook.rejected', { description: 'Deliveries rejected, by code' }),
    duplicates: meter.createCounter('hookproof.webhook.duplicates', {
      description: 'Duplicate deliveries answered without the handler',
    }),
    storeErrors: meter.createCounter('hookproof.store.errors', { description: 'Replay store or inbox calls that failed' }),
    duration: meter.createHistogram('hookproof.webhook.duration', { description: 'From request to settled', unit: 'ms' }),
  }
}

/** A telemetry's state, shared by its requests. */
interface TelemetryState {
  readonly api: OpenTelemetryApi
  readonly tracer: ReturnType<OpenTelemetryApi['trace']['getTracer']>
  readonly registered: ReturnType<typeof registration>
  /** The meter provider the instruments were made from. */
  metersOf: unknown
  meters: Instruments
  /** The current request's start() found an SDK (untraced requests call the store directly). */
  live: boolean
}

function createTelemetry(api: OpenTelemetryApi): FlowTelemetry {
  // the meter API has no proxy: instruments made before the app registers its meter provider
  // would stay no-ops, so they are (re)made from the provider registered now (sdkRegistered)
  const s: TelemetryState = {
    api,
    tracer: api.trace.getTracer(NAME),
    registered: registration(api),
    metersOf: undefined,
    meters: instruments(api),
    live: false,
  }
  return { start: () => startRequest(s), store: (store) => tracedStore(s, store) }
}

/** Whether this request is traced; refreshes the instruments when the meter provider changed. */
function sdkRegistered(s: TelemetryState): boolean {
  const meterProvider = s.registered.meterProvider()
  if (meterProvider !== undefined && meterProvider !== s.metersOf) {
    s.metersOf = meterProvider
    s.meters = instruments(s.api)
  }
  s.live = meterProvider !== undefined || s.registered.tracing()
  return s.live
}

/** Runs `fn` as a child span of the active one; marks it failed when `fn` rejects. */
async function child<T>(s: TelemetryState, name: string, fn: () => Promise<T>, attributes?: Record<string, string>): Promise<T> {
  const { api } = s
  const span = s.tracer.startSpan(name, attributes === undefined ? undefined : { attributes }, api.context.active())
  try {
    return await api.context.with(api.trace.setSpan(api.context.active(), span), fn)
  } catch (error) {
    span.setStatus({ code: ERROR, message: error instanceof Error ? error.name : 'error' })
    throw error
  } finally {
    span.end()
  }
}

/** One request's spans; `undefined` while no SDK is registered. */
function startRequest(s: TelemetryState): RequestTrace | undefined {
  if (!sdkRegistered(s)) return undefined
  const { api } = s
  const parent = api.context.active()
  const root = s.tracer.startSpan('hookproof.webhook', undefined, parent)
  const active = api.trace.setSpan(parent, root)
  return {
    run: (fn) => api.context.with(active, fn),
    verify: (fn) => child(s, 'hookproof.verify', fn),
    handle: (fn) => child(s, 'hookproof.handler', fn),
    end: (event) => endRequest(root, s.meters, event),
  }
}

/** The store with the claim and settle spans, on the requests that are traced. */
function tracedStore(s: TelemetryState, store: ReplayStore): ReplayStore {
  const settled = (operation: 'complete' | 'abort', fn: () => Promise<void>): Promise<void> =>
    child(s, 'hookproof.settle', fn, { 'hookproof.operation': operation }).catch((error: unknown) => {
      s.meters.storeErrors.add(1, { 'hookproof.operation': operation })
      throw error
    })
  const traced: ReplayStore = {
    begin: (key, leaseMs, owner) =>
      s.live ? child(s, 'hookproof.claim', () => store.begin(key, leaseMs, owner)) : store.begin(key, leaseMs, owner),
    complete: (key, ttlMs, owner) =>
      s.live ? settled('complete', () => store.complete(key, ttlMs, owner)) : store.complete(key, ttlMs, owner),
    abort: (key, owner) => (s.live ? settled('abort', () => store.abort(key, owner)) : store.abort(key, owner)),
  }
  // renewals run on a timer, outside any request's span: passed through untraced
  if (store.renew !== undefined) traced.renew = store.renew.bind(store)
  return traced
}

/** The request's root span gets its attributes and ends; the counters and the duration count it. */
function endRequest(root: OtelSpan, meters: Instruments, event: TelemetryEnd): void {
  const { verified, rejected, duplicates, storeErrors, duration } = meters
  const attributes: Record<string, string> = { 'hookproof.provider': event.provider ?? 'unknown' }
  root.setAttribute('hookproof.provider', attributes['hookproof.provider'] as string)
  if (event.event !== undefined) {
    root.setAttribute('hookproof.event', event.event)
    attributes['hookproof.event'] = event.event
  }
  if (event.status !== undefined) root.setAttribute('http.response.status_code', event.status)
  if (event.code !== undefined) {
    root.setAttribute('hookproof.code', event.code)
    attributes['hookproof.code'] = event.code
  }
  if (event.outcome !== undefined) root.setAttribute('hookproof.outcome', event.outcome)
  // 4xx answers are the sender's problem, not this server's: only 5xx and throws are errors
  if (event.status === undefined || event.status >= 500) root.setStatus({ code: ERROR, message: event.code ?? 'handler failed' })
  // a failed claim surfaces as STORE_UNAVAILABLE (a failed settle is counted by the store wrapper)
  if (event.code === 'STORE_UNAVAILABLE') storeErrors.add(1, { 'hookproof.operation': 'claim' })
  if (event.type === 'verified') verified.add(1, attributes)
  else if (event.type === 'duplicate') duplicates.add(1, attributes)
  else rejected.add(1, attributes)
  duration.record(event.durationMs, {
    'hookproof.provider': attributes['hookproof.provider'] as string,
    'hookproof.result': event.type,
  })
  root.end()
}
