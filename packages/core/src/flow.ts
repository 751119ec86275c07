import { optionsFromEnv } from './env.js'
import {
  exposeDetailsByDefault,
  type Failure,
  fail,
  isFailure,
  rejection,
  type WebhookErrorCode,
  WebhookVerificationError,
} from './errors.js'
import { checkFlowOptions, flowLog } from './flow-log.js'
import type { HeadersInput } from './headers.js'
import { checkInbox, type InboxGate, type WebhookInbox } from './inbox.js'
import { isProcessed, openInboxGate, settleDelivery } from './lifecycle.js'
import type { Maybe } from './maybe.js'
import { MemoryReplayStore } from './replay.js'
import type { RouteResult, Router } from './router.js'
import { flowTelemetry, type OpenTelemetryApi, type RequestTrace } from './telemetry.js'
import {
  CHECK_NOW,
  type CheckingVerifier,
  type CheckResult,
  type VerifiedWebhook,
  type Verifier,
  type VerifierOptions,
  type VerifyInput,
} from './verify.js'

// defined beside the Fetch body reader, which must not import the flow (the flow reaches the registry)
export { DEFAULT_BODY_LIMIT } from './fetch.js'

/**
 * What an adapter reports after each request, for logs and metrics. Never holds a secret or a signature.
 *
 * @example
 * verifyWebhook({ provider: 'orchest', secret, onEvent: (e) => metrics.increment(`webhook.${e.type}`, { provider: e.provider, code: e.code }) })
 */
export interface WebhookEvent {
  /** `verified`: the handler ran; `rejected`: verification failed; `duplicate`: already processed or in flight. */
  readonly type: 'verified' | 'rejected' | 'duplicate'
  /** Provider the request was checked against, when known. */
  readonly provider: string | undefined
  /** The error code for `rejected` and `duplicate`; `undefined` for `verified`. */
  readonly code: WebhookErrorCode | undefined
  /** The HTTP status sent (for `verified`, the handler's, also when the client had left; `undefined` when it threw). */
  readonly status: number | undefined
  readonly deliveryId: string | undefined
  readonly event: string | undefined
  /** From the start of the request to the end of the flow (handler included), in ms. */
  readonly durationMs: number
  /** Reading the body and verifying it, in ms. */
  readonly verifyMs: number
  /** `verified` only: whether the delivery was marked processed or released for a retry. */
  readonly outcome?: 'completed' | 'aborted'
  /**
   * `rejected` only: server-side diagnostics, computed on demand and once per rejection (see
   * `WebhookVerificationError.explain`); the default log line shares the computation.
   */
  readonly explain?: () => Promise<string[]>
  /** `rejected` only: the human message (never a secret or an expected signature). */
  readonly message?: string
}

/**
 * Options every adapter accepts on top of {@link VerifierOptions}.
 *
 * @example
 * const options: WebhookFlowOptions = { provider: 'github', secret, onError: 'next', emitter: new EventEmitter() }
 */
export interface WebhookFlowOptions extends VerifierOptions {
  /**
   * `'respond'` (default): answer a rejection with `application/problem+json`. `'next'`: hand a
   * `WebhookVerificationError` to the framework's error handling instead. Duplicates are always
   * answered (200 or 409), they are not errors.
   */
  onError?: 'respond' | 'next'
  /** Called once per request with a {@link WebhookEvent}. Exceptions it throws are ignored. */
  onEvent?: (event: WebhookEvent) => void
  /** Anything with `emit(name, event)`, e.g. a Node `EventEmitter`: gets `verified`, `rejected`, `duplicate`. */
  emitter?: { emit(name: string, event: WebhookEvent): unknown }
  /**
   * `true`: rejections carry `detail` (the message). `false`: type, title, status and code only,
   * so an unauthenticated caller learns nothing of the configuration. Default: `false` when
   * `NODE_ENV` is `production`. Events and `explain()` always get the full message.
   */
  exposeDetails?: boolean
  /**
   * A router from `createRouter`: after verification the flow dispatches to it and sends its
   * answer instead of calling the next handler, then settles the delivery (a throw releases it).
   */
  router?: Router
  /**
   * A transactional inbox (`new PostgresInbox({ client })` from `@hookproof/postgres`): a
   * delivery already committed there is answered 200 before the handler, and the handler gets
   * `webhook.transaction(fn)`, which records the delivery in the same transaction as `fn`'s
   * writes (exactly-once effects, across processes). A handler that finishes without calling it
   * is warned about once.
   */
  inbox?: WebhookInbox
  /**
   * OpenTelemetry: a `hookproof.webhook` span per delivery (children `hookproof.verify`,
   * `hookproof.claim`, `hookproof.handler`, `hookproof.settle`) and counters
   * (`hookproof.webhook.verified`, `.rejected`, `.duplicates`, `hookproof.store.errors`, the
   * `hookproof.webhook.duration` histogram), with provider, event, code and outcome as attributes,
   * never payloads or secrets. Default on Node: on when `@opentelemetry/api` is installed. On
   * edge runtimes pass the module (`import * as otel from '@opentelemetry/api'`; `telemetry: otel`).
   * `false` turns it off.
   */
  telemetry?: boolean | OpenTelemetryApi
}

/**
 * A response the flow asks the adapter to send.
 *
 * @example
 * const send = ({ status, headers, body }: FlowResponse) => new Response(body, { status, headers })
 */
export interface FlowResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * The request parts an adapter reads from its framework. `url` is read only when a scheme signs
 * it (Designer Cloud GET/DELETE): an adapter whose URL costs something to build makes it a
 * getter, so the requests of every other scheme never build it.
 *
 * @example
 * const readRequest = (): FlowRequest => ({ headers: req.headersDistinct, method: req.method, get url() { return `https://${req.headers.host}${req.url}` } })
 */
export interface FlowRequest {
  readonly headers: HeadersInput
  readonly method?: string | undefined
  readonly url?: string | undefined
}

/**
 * The three framework hooks, plus how to run the app's handler. Everything else (verify, claim,
 * settle, events, responses) happens in {@link WebhookFlow.run}.
 *
 * @example
 * await flow.run({
 *   readBody: async () => new Uint8Array(await request.arrayBuffer()),
 *   readRequest: () => ({ headers: request.headers, method: request.method, url: request.url }),
 *   send: (r) => { response = new Response(r.body, r) },
 *   handle: async (webhook) => { await enqueue(webhook.payload); response = new Response(null, { status: 204 }); return 204 },
 * })
 */
export interface FlowHooks {
  /**
   * The raw body bytes, or a failure (`BODY_TOO_LARGE`, `BODY_TIMEOUT`, `BODY_ALREADY_PARSED`,
   * aborted request); directly when the adapter already holds them, else as a Promise.
   */
  readBody(): Uint8Array | Failure | Promise<Uint8Array | Failure>
  /** Headers, method and the full URL as received; called once per request, after the body is in. */
  readRequest(): FlowRequest
  /** Sends a rejection or a duplicate acknowledgement. */
  send(response: FlowResponse): void | Promise<void>
  /** With `onError: 'next'`: hands the error to the framework. Without this hook, the flow sends. */
  forward?(error: WebhookVerificationError): void | Promise<void>
  /**
   * Runs the app's handler with the verified delivery in place and resolves once the handler has
   * finished, to the status it answered with, even when the client's connection closed before:
   * the claim is held until then (renewed up to `maxHoldSeconds`), so the sender's retry meets
   * 409 instead of a second run, and the answer (below 500: complete) is what the retry learns.
   * `undefined` (finished without a status) and a throw both mean failure.
   */
  handle(webhook: VerifiedWebhook): Promise<number | undefined>
}

/**
 * Verify, claim, handle, settle, report: the one ordering every adapter shares.
 *
 * @example
 * const flow: WebhookFlow = createWebhookFlow({ provider: 'y42', secret })
 * console.log(flow.verifier.providers) // ['y42']
 */
export interface WebhookFlow {
  readonly verifier: Verifier
  /** The options the verifier was built with (env secrets and the default replay store filled in). */
  readonly options: VerifierOptions
  /** Runs one request through the hooks. Rejects only when `handle` throws (after releasing the claim). */
  run(hooks: FlowHooks): Promise<void>
  /** Subscribes to one event type; returns the function that unsubscribes. Listener errors are ignored. */
  on(type: WebhookEvent['type'], listener: (event: WebhookEvent) => void): () => void
}

/**
 * Adapter defaults: with no `provider`/`providers`, secrets come from `*_WEBHOOK_SECRET`
 * environment variables (throws `TypeError` at startup when none is set); `replayStore` defaults
 * to a {@link MemoryReplayStore} (`false` turns dedup off).
 *
 * @example
 * const options = adapterOptions({ provider: 'orchest', secret })
 */
export function adapterOptions(options: WebhookFlowOptions = {}): VerifierOptions {
  checkFlowOptions(options)
  const { onError, onEvent, emitter, router, exposeDetails, inbox, telemetry, ...rest } = options
  if (onError !== undefined && onError !== 'respond' && onError !== 'next') {
    throw new TypeError(`onError must be 'respond' or 'next', got ${String(onError)}`)
  }
  if (onEvent !== undefined && typeof onEvent !== 'function') throw new TypeError('onEvent must be a function')
  if (emitter !== undefined && typeof emitter?.emit !== 'function') throw new TypeError('emitter must have an emit(name, event) method')
  if (router !== undefined && typeof router?.handle !== 'function') throw new TypeError('router must come from createRouter()')
  const env = rest.provider === undefined && rest.providers === undefined ? optionsFromEnv(undefined, rest.logger) : {}
  return { ...rest, ...env, replayStore: rest.replayStore ?? new MemoryReplayStore() }
}

/**
 * The failure for a raw body that could not be read, from the `type` that raw-body and body-parser
 * put on their errors: 413 `BODY_TOO_LARGE` over the limit, 400 `INVALID_PAYLOAD` for an aborted
 * upload or a length that differs from `Content-Length`, 500 `BODY_ALREADY_PARSED` when the stream
 * was already consumed (`fix` says how to avoid that in the adapter's framework).
 *
 * @example
 * try { body = await getRawBody(req, { length, limit }) } catch (error) { return bodyReadFailure(error, limit, FIX) }
 */
export function bodyReadFailure(error: unknown, limit: number | string, fix: string): Failure {
  switch ((error as { type?: unknown } | null)?.type) {
    case 'entity.too.large':
      return fail('BODY_TOO_LARGE', `The body is larger than the ${String(limit)} byte limit (the limit option)`)
    case 'request.aborted':
      return fail('INVALID_PAYLOAD', 'The request was aborted before its body arrived')
    case 'request.size.invalid':
      return fail('INVALID_PAYLOAD', 'The body length differs from its Content-Length')
    case 'stream.not.readable':
    case 'stream.encoding.set':
      return fail('BODY_ALREADY_PARSED', fix)
    default:
      return fail('INVALID_PAYLOAD', 'The request body could not be read', { hints: async () => [String(error)] })
  }
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

/**
 * An adapter's `limit` option in bytes, read once at startup: a number (`Infinity`: no limit), or
 * a size such as `'512kb'` or `'1mb'`, 1024-based as raw-body reads it. Anything else is a
 * `TypeError`, so a size no reader would understand fails at startup, not per request.
 *
 * @example
 * const maxBytes = limitBytes(options.limit ?? DEFAULT_BODY_LIMIT) // '5mb' -> 5242880
 */
export function limitBytes(limit: unknown): number {
  if (typeof limit === 'number' && limit >= 0) return Math.floor(limit)
  const match = typeof limit === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(limit) : null
  if (match === null) throw new TypeError(`limit must be a number of bytes or a size such as '1mb', got ${String(limit)}`)
  return Math.floor(Number(match[1]) * (UNITS[(match[2] ?? 'b').toLowerCase()] as number))
}

/**
 * The 408 `BODY_TIMEOUT` failure for a body not complete within `timeoutMs`: what
 * {@link readBodyWithin} resolves to, for an adapter that runs its own timer.
 *
 * @example
 * const timer = setTimeout(() => finish(bodyTimedOut(timeoutMs)), timeoutMs)
 */
export function bodyTimedOut(timeoutMs: number): Failure {
  return fail('BODY_TIMEOUT', `The body was not complete within ${timeoutMs} ms (the bodyTimeoutMs option)`)
}

/**
 * The 500 `BODY_ALREADY_PARSED` failure when a body parser consumed the stream first; `fix` names
 * the remedy for the adapter's framework, `found` what the parser left.
 *
 * @example
 * if (req.readableEnded) return bodyAlreadyParsed('Register the webhook route before app.use(express.json())', req.body)
 */
export function bodyAlreadyParsed(fix: string, found: unknown): Failure {
  const what = typeof found === 'string' ? 'a string' : found === undefined ? 'nothing' : 'an object'
  return fail('BODY_ALREADY_PARSED', `${fix} (the parsed body is ${what})`)
}

/**
 * 30 s: the default `bodyTimeoutMs` of every adapter; a body not complete by then is answered
 * 408 `BODY_TIMEOUT` and the connection closed. Orchest times out after 5 s per read, Designer
 * Cloud after 30 s, so a real sender never needs longer.
 *
 * @example
 * app.post('/webhooks/orchest', verifyWebhook({ provider: 'orchest', secret, bodyTimeoutMs: DEFAULT_BODY_TIMEOUT_MS / 3 }), handler)
 */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000

/**
 * Checks an adapter's `bodyTimeoutMs` option at startup: a positive number of ms (`Infinity`
 * turns the timeout off), else `TypeError`. `undefined` gives {@link DEFAULT_BODY_TIMEOUT_MS}.
 *
 * @example
 * const timeoutMs = bodyTimeoutOption(options.bodyTimeoutMs) // 30_000
 */
export function bodyTimeoutOption(value: unknown): number {
  if (value === undefined) return DEFAULT_BODY_TIMEOUT_MS
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new TypeError(`bodyTimeoutMs must be a positive number of ms (Infinity: no timeout), got ${String(value)}`)
  }
  return value
}

/**
 * Races a raw-body read against `timeoutMs`. When the body is not complete by then, calls `stop`
 * (the adapter stops reading and marks the connection to close) and resolves to 408
 * `BODY_TIMEOUT`; the read's own late outcome is then ignored. One timer per read, cleared as
 * soon as the body is in, so a fast request pays almost nothing.
 *
 * @example
 * const body = await readBodyWithin(getRawBody(req, { length, limit }), 30_000, () => { req.pause(); res.setHeader('connection', 'close') })
 */
export function readBodyWithin<T>(read: Promise<T>, timeoutMs: number, stop: () => void): Promise<T | Failure> {
  if (!Number.isFinite(timeoutMs)) return read
  return new Promise<T | Failure>((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        stop()
      } finally {
        resolve(bodyTimedOut(timeoutMs))
      }
    }, timeoutMs)
    read.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}

const clock: () => number = typeof globalThis.performance?.now === 'function' ? () => globalThis.performance.now() : Date.now

type Listener = (event: WebhookEvent) => void

/** Everything the flow decides once, at startup, read by the steps of every request. */
interface FlowState {
  readonly verifier: CheckingVerifier
  readonly log: ReturnType<typeof flowLog>
  readonly telemetry: ReturnType<typeof flowTelemetry>
  readonly inbox: WebhookInbox | undefined
  /** The warning for a handler that never called `transaction` is given once per flow. */
  inboxWarned: boolean
  readonly forwardErrors: boolean
  readonly exposeDetails: boolean
  readonly onEvent: WebhookFlowOptions['onEvent']
  readonly emitter: WebhookFlowOptions['emitter']
  readonly router: Router | undefined
  readonly listeners: Readonly<Record<WebhookEvent['type'], Set<Listener>>>
}

/**
 * Builds the shared adapter flow once at startup, on the given crypto-bound `createVerifier`.
 * Adapters call `createWebhookFlow` from `@hookproof/core/adapter`, which binds it.
 *
 * @example
 * const flow = createFlowWith(createVerifier, { provider: 'orchest', secret })
 */
export function createFlowWith(
  createVerifier: (options: VerifierOptions) => Verifier,
  options: WebhookFlowOptions = {},
  installedTelemetry?: OpenTelemetryApi,
): WebhookFlow {
  const verifierOptions = adapterOptions(options)
  const s = compileFlow(createVerifier, verifierOptions, options, installedTelemetry)
  return {
    verifier: s.verifier,
    options: verifierOptions,
    run: (hooks) => run(s, hooks),
    on: (type, listener) => on(s, type, listener),
  }
}

/** Checks the flow's own options, wraps the store for telemetry, builds the verifier. */
function compileFlow(
  createVerifier: (options: VerifierOptions) => Verifier,
  verifierOptions: VerifierOptions,
  options: WebhookFlowOptions,
  installedTelemetry: OpenTelemetryApi | undefined,
): FlowState {
  const telemetry = flowTelemetry(options.telemetry, installedTelemetry)
  // the claim and settle spans: the store is wrapped only when telemetry is on
  if (telemetry !== undefined && verifierOptions.replayStore) verifierOptions.replayStore = telemetry.store(verifierOptions.replayStore)
  const inbox = options.inbox
  checkInbox(inbox)
  // the inbox records the canonical key: computed even with replayStore: false
  if (inbox !== undefined) verifierOptions.keyDeliveries = true
  const verifier = createVerifier(verifierOptions)
  const log = flowLog(verifier, verifierOptions)
  if (options.exposeDetails !== undefined && typeof options.exposeDetails !== 'boolean') {
    throw new TypeError(`exposeDetails must be true or false, got ${String(options.exposeDetails)}`)
  }
  const { onEvent, emitter, router } = options
  if (router !== undefined && !verifier.providers.includes(router.provider)) {
    throw new TypeError(`router is for ${router.provider}, which this verifier does not accept (${verifier.providers.join(', ')})`)
  }
  return {
    verifier,
    log,
    telemetry,
    inbox,
    inboxWarned: false,
    forwardErrors: options.onError === 'next',
    // read once at startup: NODE_ENV does not change per request
    exposeDetails: options.exposeDetails ?? exposeDetailsByDefault(),
    onEvent,
    emitter,
    router,
    listeners: { verified: new Set(), rejected: new Set(), duplicate: new Set() },
  }
}

function on(s: FlowState, type: WebhookEvent['type'], listener: Listener): () => void {
  const set = s.listeners[type]
  if (set === undefined || typeof listener !== 'function')
    throw new TypeError(`on(type, listener): type is 'verified', 'rejected' or 'duplicate'`)
  set.add(listener)
  return () => {
    set.delete(listener)
  }
}

function call(fn: () => void): void {
  try {
    fn()
  } catch {
    // a broken logger must not turn a verified delivery into a failure
  }
}

function report(s: FlowState, event: WebhookEvent): void {
  const { onEvent, emitter } = s
  if (onEvent) call(() => onEvent(event))
  if (emitter) call(() => emitter.emit(event.type, event))
  for (const listener of s.listeners[event.type]) call(() => listener(event))
}

function run(s: FlowState, hooks: FlowHooks): Promise<void> {
  // no SDK registered (only the API installed): untraced, as with telemetry off
  const trace = s.telemetry?.start()
  if (trace === undefined) return runWith(s, hooks, undefined)
  return trace.run(() => runWith(s, hooks, trace))
}

/** One request: read, verify, open the inbox, handle while the claim is held, settle, report. */
async function runWith(s: FlowState, hooks: FlowHooks, trace: RequestTrace | undefined): Promise<void> {
  const start = clock()
  const read = readBody(hooks)
  // bytes the adapter already held are verified at once, without waiting a tick
  const body = read instanceof Uint8Array ? read : await read
  if (!(body instanceof Uint8Array)) return reject(s, hooks, readFailure(body), start, clock() - start, trace)
  const checked = verifyBody(s, hooks, body, trace)
  // node:crypto with no store answers at once: no Promise, no turn
  const result = checked instanceof Promise ? await checked : checked
  const verifyMs = clock() - start
  if (!result.ok) return reject(s, hooks, result, start, verifyMs, trace)
  let webhook = result.webhook
  let gate: InboxGate | undefined
  if (s.inbox !== undefined) {
    const opened = await openInboxGate(s.inbox, webhook)
    if (!('webhook' in opened)) return reject(s, hooks, opened, start, verifyMs, trace)
    gate = opened
    webhook = opened.webhook
  }
  let status: number | undefined
  let processed: boolean | undefined
  try {
    if (trace === undefined && s.router === undefined) status = await hooks.handle(webhook)
    else ({ status, processed } = await handleRouted(s.router, webhook, hooks, trace))
  } catch (error) {
    const settling = settleDelivery(webhook, false)
    if (settling !== undefined) await settling
    reportVerified(s, webhook, gate, trace, start, verifyMs, 'aborted', undefined)
    throw error
  }
  const ok = isProcessed(status, processed)
  const settling = settleDelivery(webhook, ok)
  if (settling !== undefined) await settling
  reportVerified(s, webhook, gate, trace, start, verifyMs, ok ? 'completed' : 'aborted', status)
}

/**
 * Not `async`: bytes the adapter already held pass through as they are; anything else (a Promise,
 * a thenable, a failure) gets one reaction, as an `await` of it would.
 */
function readBody(hooks: FlowHooks): Uint8Array | Promise<Uint8Array | Failure> {
  try {
    const read = hooks.readBody()
    return read instanceof Uint8Array ? read : Promise.resolve(read).then(undefined, unreadable)
  } catch (error) {
    return Promise.resolve(unreadable(error))
  }
}

/** What a read that gave no bytes ended in: its failure, or 400 for an adapter's read that returned neither. */
function readFailure(read: Failure): Failure {
  return isFailure(read) ? read : unreadable(new TypeError(`the adapter's body read gave ${typeof read}, not bytes or a failure`))
}

function unreadable(error: unknown): Failure {
  return fail('INVALID_PAYLOAD', 'The request body could not be read', { hints: async () => [String(error)] })
}

/**
 * The verifier's input for one request: `url` is read from the adapter's request only when a
 * scheme asks for it (Designer Cloud GET/DELETE), so building it costs the others nothing.
 */
class FlowInput implements VerifyInput {
  readonly headers: HeadersInput
  readonly method: string | undefined
  constructor(
    readonly body: Uint8Array,
    private readonly request: FlowRequest,
  ) {
    this.headers = request.headers
    this.method = request.method
  }

  get url(): string | undefined {
    return this.request.url
  }
}

function verifyBody(s: FlowState, hooks: FlowHooks, body: Uint8Array, trace: RequestTrace | undefined): Maybe<CheckResult> {
  const input = new FlowInput(body, hooks.readRequest())
  if (trace !== undefined) return trace.verify(() => s.verifier.check(input))
  const now = s.verifier[CHECK_NOW]
  return now !== undefined ? now(input) : s.verifier.check(input)
}

/** The handler through the router, or inside the handler's span. */
function handleRouted(
  router: Router | undefined,
  webhook: VerifiedWebhook,
  hooks: FlowHooks,
  trace: RequestTrace | undefined,
): Promise<{ status: number | undefined; processed?: boolean }> {
  if (trace !== undefined) return trace.handle(() => dispatch(router, webhook, hooks))
  return sendRouted(router as Router, webhook, hooks)
}

/** The `verified` event, once the delivery settled (and the inbox warning, once per flow). */
function reportVerified(
  s: FlowState,
  webhook: VerifiedWebhook,
  gate: InboxGate | undefined,
  trace: RequestTrace | undefined,
  start: number,
  verifyMs: number,
  outcome: 'completed' | 'aborted',
  status: number | undefined,
): void {
  if (gate !== undefined && !gate.used && !s.inboxWarned) {
    s.inboxWarned = true
    console.warn(
      `hookproof: a ${webhook.provider} handler finished without webhook.transaction(fn); with an inbox, write the effects inside it so each delivery takes effect once`,
    )
  }
  // nobody listens and nothing traces: no event object per verified delivery
  if (trace === undefined && s.onEvent === undefined && s.emitter === undefined && s.listeners.verified.size === 0) return
  const event: WebhookEvent = {
    type: 'verified',
    provider: webhook.provider,
    code: undefined,
    status,
    deliveryId: webhook.deliveryId,
    event: webhook.event,
    durationMs: clock() - start,
    verifyMs,
    outcome,
  }
  report(s, event)
  trace?.end(event)
}

/** A rejection or a duplicate: reported, logged, then sent (or forwarded with `onError: 'next'`). */
async function reject(
  s: FlowState,
  hooks: FlowHooks,
  failure: Failure,
  start: number,
  verifyMs: number,
  trace?: RequestTrace,
): Promise<void> {
  const duplicate = failure.code === 'DUPLICATE_DELIVERY'
  const exposeDetails = s.exposeDetails
  let error: WebhookVerificationError | undefined
  // one error for every listener: explain() then runs once however many loggers ask
  const explain = () => (error ??= WebhookVerificationError.from(failure, { exposeDetails })).explain()
  const event: WebhookEvent = {
    type: duplicate ? 'duplicate' : 'rejected',
    provider: failure.provider,
    code: failure.code,
    status: failure.status,
    deliveryId: undefined,
    event: undefined,
    durationMs: clock() - start,
    verifyMs,
    ...(duplicate ? {} : { message: failure.message, explain }),
  }
  report(s, event)
  trace?.end(event)
  if (!duplicate) await s.log.rejected(failure, explain)
  if (!duplicate && s.forwardErrors && hooks.forward) {
    return hooks.forward((error ??= WebhookVerificationError.from(failure, { exposeDetails })))
  }
  return hooks.send(rejection(failure, { exposeDetails }))
}

/** The handler or the router, as one call (the traced path runs it inside the handler's span). */
async function dispatch(
  router: Router | undefined,
  webhook: VerifiedWebhook,
  hooks: FlowHooks,
): Promise<{ status: number | undefined; processed?: boolean }> {
  return router === undefined ? { status: await hooks.handle(webhook) } : sendRouted(router, webhook, hooks)
}

/** Dispatches to the router and sends its answer; a schema or unknown-event rejection is not processed. */
async function sendRouted(router: Router, webhook: VerifiedWebhook, hooks: FlowHooks): Promise<RouteResult> {
  const result = await router.handle(webhook)
  await hooks.send(result)
  return result
}
