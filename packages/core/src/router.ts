import { fail, type ProblemDetails, problemDetails, problemHeaders, type WebhookErrorCode } from './errors.js'
import { defaultRoute, type EventSpec, ROUTES, type RouteRow, type RouterEvents } from './events/index.js'
import type { Provider } from './provider.js'
import { type ProviderName, providers as registry } from './providers/index.js'
import type { StandardSchemaV1 } from './standard-schema.js'
import type { VerifiedWebhook } from './verify.js'

/**
 * A delivery as a routed handler receives it: the verified fields, `event` narrowed to the route,
 * and `payload` typed for that event (or as the schema's output, after validation).
 *
 * @example
 * router.on('project:one-off-job:pipeline-run:failed', ({ payload, deliveryId }: RoutedWebhook<OrchestEventPayload<'project:one-off-job:pipeline-run:failed'>>) => {
 *   console.log(deliveryId, payload.event.project.job.pipeline_run.failed_steps)
 * })
 */
export interface RoutedWebhook<Payload = unknown, Event extends string | undefined = string>
  extends Pick<
    VerifiedWebhook,
    'provider' | 'deliveryId' | 'timestamp' | 'rawBody' | 'secretIndex' | 'bodyAuthenticated' | 'covered' | 'replayKey'
  > {
  /** The route that matched (`issues.opened` or `issues` for GitHub); for `'*'`, the delivery's event name, if any. */
  readonly event: Event
  /** The payload; with a schema, the schema's output (zod transforms and defaults applied). */
  readonly payload: Payload
  /** The delivery as the verifier returned it, payload before any schema. Settling it is the flow's job. */
  readonly webhook: VerifiedWebhook
}

/**
 * What a handler may answer: nothing (200, empty body), a status, or a status with headers and a
 * body (a string is sent as text, anything else as JSON). 5xx releases the delivery for a retry.
 *
 * @example
 * router.on('job.status', () => ({ status: 202, body: { queued: true } }))
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler written `() => {}` returns void
export type RouteReturn = undefined | void | number | { status?: number; headers?: Record<string, string>; body?: unknown }

/**
 * A routed handler. A throw releases the delivery (the adapter answers 500), so the sender's retry runs it again.
 *
 * @example
 * const onFailed: RouteHandler<Up42Payload> = async ({ payload }) => { await alert(payload.messageId) }
 */
export type RouteHandler<Payload = unknown, Event extends string | undefined = string> = (
  webhook: RoutedWebhook<Payload, Event>,
) => RouteReturn | Promise<RouteReturn>

/**
 * Per-route options: the schema the payload must pass, and what to answer when it does not.
 *
 * @example
 * router.on('order.status', { schema: z.object({ body: z.object({ status: z.string() }) }), onInvalid: 'drop' }, ({ payload }) => {})
 */
export interface RouteOptions<Schema extends StandardSchemaV1 = StandardSchemaV1> {
  /** Any Standard Schema (zod, valibot, arktype, …); `validate` may return a Promise. */
  schema: Schema
  /** Overrides the router's `onInvalid` for this route. */
  onInvalid?: 'reject' | 'drop'
}

/**
 * Where the router's log lines go: `console` fits, and so do pino, winston and bunyan loggers.
 *
 * @example
 * const logger: RouterLogger = { warn: (message, details) => pino.warn(details, message) }
 */
export interface RouterLogger {
  warn(message: string, details?: Record<string, unknown>): void
}

/**
 * Options of {@link createRouter}.
 *
 * @example
 * const options: RouterOptions = { provider: 'up42', onUnknown: 'reject', onInvalid: 'drop', logger: false }
 */
export interface RouterOptions<
  P extends ProviderName | Provider = ProviderName | Provider,
  Schema extends StandardSchemaV1 | undefined = undefined,
> {
  /** The sender whose deliveries this router dispatches: a built-in name or a `defineProvider` row. */
  provider: P
  /** A schema for every event that has none of its own (`on(event, { schema }, handler)` wins). */
  schema?: Schema
  /**
   * A payload failing its schema: `'reject'` (default) answers 422 `PAYLOAD_SCHEMA_MISMATCH` and
   * releases the delivery, so the sender retries and a retry after a fix is processed; `'drop'`
   * answers 200 and marks it processed, so a sender that retries forever (Orchest) stops.
   */
  onInvalid?: 'reject' | 'drop'
  /**
   * An event with no route and no `'*'` handler: `'ignore'` (default) answers 200 and logs once
   * per event name; `'reject'` answers 422 `UNKNOWN_EVENT` and releases the delivery.
   */
  onUnknown?: 'ignore' | 'reject'
  /** Default `console`; `false` silences the router. */
  logger?: RouterLogger | false
  /** Your own routing key (e.g. a field of a Designer Cloud body template); default per provider. */
  eventOf?: (webhook: VerifiedWebhook) => string | undefined
}

/**
 * What `router.handle()` decided: the response to send, and whether the delivery counts as
 * processed (`complete()`) or must be released for the sender's retry (`abort()`).
 *
 * @example
 * const result = await router.handle(webhook)
 * await (result.processed ? webhook.complete() : webhook.abort())
 * return new Response(result.body === '' ? null : result.body, result)
 */
export interface RouteResult {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** `false` for a 5xx answer, a rejected schema mismatch or a rejected unknown event. */
  readonly processed: boolean
  /** `handled`: a handler ran; `unknown`: no route; `invalid`: the payload failed its schema. */
  readonly outcome: 'handled' | 'unknown' | 'invalid'
  /** The route that ran (`'*'` for the fallback), or `undefined`. */
  readonly route: string | undefined
  /** `PAYLOAD_SCHEMA_MISMATCH` or `UNKNOWN_EVENT` when the router answered for itself. */
  readonly code: WebhookErrorCode | undefined
}

/**
 * The problem body of a 422 `PAYLOAD_SCHEMA_MISMATCH`: the failing paths as JSON Pointers, never
 * the values found there nor the schema library's messages (they may quote the value).
 *
 * @example
 * const problem: SchemaMismatchProblem = await response.json()
 * problem.errors // [{ pointer: '#/body/status' }]
 */
export interface SchemaMismatchProblem extends ProblemDetails {
  errors: Array<{ pointer: string }>
}

/**
 * The part of a router the adapters' flow calls.
 *
 * @example
 * const router: Router = createRouter({ provider: 'y42' }).on('*', () => {})
 * verifyWebhook({ provider: 'y42', secret, router })
 */
export interface Router {
  /** The provider name this router dispatches for. */
  readonly provider: string
  /** Validates and dispatches one verified delivery; rejects only when a handler (or `eventOf`) throws. */
  handle(webhook: VerifiedWebhook): Promise<RouteResult>
}

type AnySpec = EventSpec<object, unknown>

/**
 * Event names a router of this spec accepts: the known ones, plus any string when the spec is open.
 *
 * @example
 * type E = EventName<RouterEvents['up42']> // 'job.status' | 'order.status'
 */
export type EventName<S extends AnySpec> = (keyof S['known'] & string) | ([S['other']] extends [never] ? never : string & {})

/**
 * The payload of one event name under a spec.
 *
 * @example
 * type P = EventPayload<RouterEvents['orchest'], 'ping'>
 */
export type EventPayload<S extends AnySpec, E> = E extends keyof S['known'] ? S['known'][E] : S['other']

/**
 * The payload the `'*'` handler receives: any event's.
 *
 * @example
 * type P = AnyEventPayload<RouterEvents['up42']> // Up42Payload
 */
export type AnyEventPayload<S extends AnySpec> = S['known'][keyof S['known']] | S['other']

/**
 * The event spec of a provider option: the built-in row, a row added to {@link RouterEvents}, or
 * "any name, `unknown` payload" for other custom providers.
 *
 * @example
 * type S = SpecOf<'orchest'> // RouterEvents['orchest']
 */
export type SpecOf<P> = P extends keyof RouterEvents
  ? RouterEvents[P]
  : P extends { name: infer N }
    ? N extends keyof RouterEvents
      ? RouterEvents[N]
      : EventSpec<object, unknown>
    : EventSpec<object, unknown>

type Validated<S extends AnySpec, Out> = EventSpec<{ [K in keyof S['known']]: Out }, [S['other']] extends [never] ? never : Out>

/**
 * A router: `.on(event, handler)`, `.on(event, { schema }, handler)`, `.on('*', fallback)`,
 * chainable, with payloads typed per event.
 *
 * @example
 * const router: WebhookRouter<RouterEvents['up42']> = createRouter({ provider: 'up42' })
 *   .on('job.status', ({ payload }) => console.log(payload.body.status))
 */
export interface WebhookRouter<S extends AnySpec = EventSpec<object, unknown>> extends Router {
  /** The fallback for every event without a route of its own. */
  on(event: '*', handler: RouteHandler<AnyEventPayload<S>, string | undefined>): WebhookRouter<S>
  on<Schema extends StandardSchemaV1>(
    event: '*',
    options: RouteOptions<Schema>,
    handler: RouteHandler<StandardSchemaV1.InferOutput<Schema>, string | undefined>,
  ): WebhookRouter<S>
  /** The handler of one event; its payload is typed for that event. */
  on<E extends EventName<S>>(event: E, handler: RouteHandler<EventPayload<S, E>, E>): WebhookRouter<S>
  /** The handler of one event whose payload must pass `schema`; the handler gets the schema's output. */
  on<E extends EventName<S>, Schema extends StandardSchemaV1>(
    event: E,
    options: RouteOptions<Schema>,
    handler: RouteHandler<StandardSchemaV1.InferOutput<Schema>, E>,
  ): WebhookRouter<S>
}

interface Route {
  readonly handler: RouteHandler<unknown, string | undefined>
  readonly schema: StandardSchemaV1 | undefined
  readonly onInvalid: 'reject' | 'drop'
}

interface Compiled {
  readonly provider: string
  readonly row: RouteRow
  readonly schema: StandardSchemaV1 | undefined
  readonly onInvalid: 'reject' | 'drop'
  readonly onUnknown: 'ignore' | 'reject'
  readonly logger: RouterLogger | undefined
  readonly eventOf: ((webhook: VerifiedWebhook) => string | undefined) | undefined
  readonly routes: Map<string, Route>
  fallback: Route | undefined
  /** Event names already logged as unknown, bounded: GitHub's event header is not signed. */
  readonly logged: Set<string>
}

const MAX_LOGGED = 256
const MAX_POINTERS = 20
const MAX_TEXT = 200

/**
 * Builds a router for one provider. Pass it to an adapter (`verifyWebhook({ provider, secret,
 * router })`), which dispatches after verification and before settling the delivery, or call
 * `router.handle(webhook)` yourself. A handler's return value sets the answer (default 200).
 *
 * @example
 * const router = createRouter({ provider: 'orchest' })
 *   .on('project:one-off-job:pipeline-run:failed', ({ payload }) => alert(payload.event.project.job.name))
 *   .on('*', ({ event }) => console.log('not handled here:', event))
 * app.post('/webhooks/orchest', verifyWebhook({ provider: 'orchest', secret, router }))
 * @example
 * // your own event map (Standard Webhooks, or a custom provider)
 * const billing = createRouter<{ 'invoice.paid': { type: 'invoice.paid'; timestamp: string; data: { id: string } } }>({ provider: 'standard-webhooks' })
 *   .on('invoice.paid', ({ payload }) => markPaid(payload.data.id))
 * @throws {TypeError} at startup on a bad option, a typo in a closed event list or a second handler for one event.
 */
export function createRouter<const P extends ProviderName | Provider, Schema extends StandardSchemaV1 | undefined = undefined>(
  options: RouterOptions<P, Schema>,
): WebhookRouter<Schema extends StandardSchemaV1 ? Validated<SpecOf<P>, StandardSchemaV1.InferOutput<Schema>> : SpecOf<P>>
export function createRouter<Events extends object>(options: RouterOptions): WebhookRouter<EventSpec<Events>>
export function createRouter(options: RouterOptions<ProviderName | Provider, StandardSchemaV1 | undefined>): Router {
  const state = compile(options)
  const router = {
    provider: state.provider,
    on(event: string, second: unknown, third?: unknown) {
      addRoute(state, event, second, third)
      return router
    },
    handle: (webhook: VerifiedWebhook) => handleDelivery(state, webhook),
  } as WebhookRouter
  return router
}

function isSchema(value: unknown): value is StandardSchemaV1 {
  return typeof (value as StandardSchemaV1 | null | undefined)?.['~standard']?.validate === 'function'
}

function onInvalidOption(where: string, value: unknown): 'reject' | 'drop' {
  if (value === undefined) return 'reject'
  if (value !== 'reject' && value !== 'drop') throw new TypeError(`${where}: onInvalid must be 'reject' or 'drop', got ${String(value)}`)
  return value
}

function compile(options: RouterOptions<ProviderName | Provider, StandardSchemaV1 | undefined>): Compiled {
  if (typeof options !== 'object' || options === null) throw new TypeError('createRouter(options): options must be an object')
  const { provider, schema, onUnknown = 'ignore', logger = console, eventOf } = options
  const name = typeof provider === 'string' ? provider : (provider as Provider | undefined)?.name
  if (typeof name !== 'string' || name === '') {
    throw new TypeError('createRouter: provider must be a built-in provider name or a row from defineProvider')
  }
  // a registry row without a routing row of its own routes on its event (`byEvent`)
  const known = Object.hasOwn(registry, name)
  const builtIn = (ROUTES as Partial<Record<string, RouteRow>>)[name] ?? (known ? defaultRoute : undefined)
  if (typeof provider === 'string' && !known) {
    throw new TypeError(`createRouter: unknown provider "${name}". Built-in providers: ${Object.keys(registry).join(', ')}`)
  }
  if (schema !== undefined && !isSchema(schema))
    throw new TypeError('createRouter: schema must be a Standard Schema (zod, valibot, arktype, …)')
  if (onUnknown !== 'ignore' && onUnknown !== 'reject')
    throw new TypeError(`createRouter: onUnknown must be 'ignore' or 'reject', got ${String(onUnknown)}`)
  if (logger !== false && typeof logger?.warn !== 'function')
    throw new TypeError('createRouter: logger must have a warn() method, or be false')
  if (eventOf !== undefined && typeof eventOf !== 'function') throw new TypeError('createRouter: eventOf must be a function')
  return {
    provider: name,
    // a custom row that shares a built-in name gets no built-in routing rules
    row: typeof provider === 'string' ? (builtIn as RouteRow) : defaultRoute,
    schema,
    onInvalid: onInvalidOption('createRouter', options.onInvalid),
    onUnknown,
    logger: logger === false ? undefined : logger,
    eventOf,
    routes: new Map(),
    fallback: undefined,
    logged: new Set(),
  }
}

function addRoute(state: Compiled, event: unknown, second: unknown, third: unknown): void {
  const where = `router.on(${JSON.stringify(event)})`
  if (typeof event !== 'string' || event === '') throw new TypeError('router.on(event, handler): event must be a non-empty string')
  const withOptions = third !== undefined
  const handler = withOptions ? third : second
  if (typeof handler !== 'function') throw new TypeError(`${where}: the handler must be a function`)
  let schema: StandardSchemaV1 | undefined
  let onInvalid = state.onInvalid
  if (withOptions) {
    const options = second as RouteOptions | null | undefined
    if (typeof options !== 'object' || options === null || !isSchema(options.schema)) {
      throw new TypeError(`${where}: options must be { schema } with a Standard Schema (zod, valibot, arktype, …)`)
    }
    schema = options.schema
    if (options.onInvalid !== undefined) onInvalid = onInvalidOption(where, options.onInvalid)
  }
  const names = state.row.names
  if (event !== '*' && names !== undefined && state.eventOf === undefined && !names.includes(event)) {
    throw new TypeError(`${where}: ${state.provider} sends no such event. Its events: ${names.join(', ')}`)
  }
  if (event === '*' ? state.fallback !== undefined : state.routes.has(event)) {
    throw new TypeError(`${where}: this event already has a handler`)
  }
  const route: Route = { handler: handler as Route['handler'], schema, onInvalid }
  if (event === '*') state.fallback = route
  else state.routes.set(event, route)
}

function routeKeys(state: Compiled, webhook: VerifiedWebhook): string[] {
  if (state.eventOf === undefined) return state.row.keys(webhook)
  const key = state.eventOf(webhook)
  return typeof key === 'string' && key !== '' ? [key] : []
}

async function handleDelivery(state: Compiled, webhook: VerifiedWebhook): Promise<RouteResult> {
  // a router for one sender behind a verifier of several answers the others as unknown events
  const keys = webhook.provider === state.provider ? routeKeys(state, webhook) : []
  let route: Route | undefined
  let key: string | undefined
  for (const k of keys) {
    route = state.routes.get(k)
    if (route !== undefined) {
      key = k
      break
    }
  }
  let name = key
  if (route === undefined) {
    route = state.fallback
    key = '*'
    // the least specific key is the sender's own event name (GitHub `issues`, not `issues.opened`)
    name = keys[keys.length - 1]
    if (route === undefined || webhook.provider !== state.provider) return unknownEvent(state, webhook, name)
  }
  let payload: unknown = webhook.payload
  const schema = route.schema ?? state.schema
  if (schema !== undefined) {
    const result = await schema['~standard'].validate(payload)
    if (result.issues) return schemaMismatch(state, webhook, name, key, route.onInvalid, result.issues)
    payload = result.value
  }
  const reply = await route.handler(routed(webhook, name, payload))
  return handled(reply, key)
}

function routed(webhook: VerifiedWebhook, event: string | undefined, payload: unknown): RoutedWebhook<unknown, string | undefined> {
  return {
    provider: webhook.provider,
    event,
    deliveryId: webhook.deliveryId,
    timestamp: webhook.timestamp,
    payload,
    rawBody: webhook.rawBody,
    secretIndex: webhook.secretIndex,
    bodyAuthenticated: webhook.bodyAuthenticated,
    covered: webhook.covered,
    replayKey: webhook.replayKey,
    webhook,
  }
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({})

function validStatus(status: unknown): number {
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    throw new TypeError(`A routed handler returned status ${String(status)}; return an integer from 200 to 599`)
  }
  return status
}

function handled(reply: RouteReturn, route: string | undefined): RouteResult {
  let status = 200
  let headers = EMPTY
  let body = ''
  if (typeof reply === 'number') status = validStatus(reply)
  else if (typeof reply === 'object' && reply !== null) {
    if (reply.status !== undefined) status = validStatus(reply.status)
    if (reply.body !== undefined) {
      const text = typeof reply.body === 'string'
      body = text ? (reply.body as string) : JSON.stringify(reply.body)
      headers = { 'content-type': text ? 'text/plain; charset=utf-8' : 'application/json' }
    }
    if (reply.headers !== undefined) headers = { ...headers, ...reply.headers }
  }
  return { status, headers, body, processed: status < 500, outcome: 'handled', route, code: undefined }
}

/** Event names come from the sender (and, for GitHub, from an unsigned header): quote and bound them. */
function quote(text: string | undefined): string {
  if (text === undefined) return '(none)'
  return JSON.stringify(text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text)
}

function warn(state: Compiled, message: string, details: Record<string, unknown>): void {
  try {
    state.logger?.warn(message, details)
  } catch {
    // a broken logger must not turn a verified delivery into a failure
  }
}

function unknownEvent(state: Compiled, webhook: VerifiedWebhook, event: string | undefined): RouteResult {
  const reject = state.onUnknown === 'reject'
  const label = webhook.provider === state.provider ? (event ?? '(none)') : `${webhook.provider}:${event ?? '(none)'}`
  if (!state.logged.has(label) && state.logged.size <= MAX_LOGGED) {
    state.logged.add(label)
    const what = webhook.provider === state.provider ? `event ${quote(event)}` : `provider ${quote(webhook.provider)}`
    const tail = state.logged.size > MAX_LOGGED ? '; too many unknown events, no further ones are logged' : ''
    const answer = reject ? 'answered 422 UNKNOWN_EVENT' : "answered 200 (onUnknown: 'ignore')"
    warn(state, `hookproof: no route for ${state.provider} ${what}, ${answer}; logged once per event name${tail}`, {
      code: 'UNKNOWN_EVENT',
      provider: webhook.provider,
      event,
      deliveryId: webhook.deliveryId,
    })
  }
  if (!reject)
    return { status: 200, headers: EMPTY, body: '', processed: true, outcome: 'unknown', route: undefined, code: 'UNKNOWN_EVENT' }
  const failure = fail('UNKNOWN_EVENT', `No handler for the ${state.provider} event ${quote(event)}`, { provider: webhook.provider })
  return {
    status: failure.status,
    headers: problemHeaders(failure),
    body: JSON.stringify(problemDetails(failure)),
    processed: false,
    outcome: 'unknown',
    route: undefined,
    code: 'UNKNOWN_EVENT',
  }
}

/** RFC 6901 JSON Pointer of an issue path, as a URI fragment (`#/body/tasks/0/status`), bounded in length. */
function pointer(path: StandardSchemaV1.Issue['path']): string {
  let out = '#'
  for (const segment of path ?? []) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment
    out += `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`
    if (out.length > MAX_TEXT) return `${out.slice(0, MAX_TEXT)}…`
  }
  return out
}

function schemaMismatch(
  state: Compiled,
  webhook: VerifiedWebhook,
  event: string | undefined,
  route: string | undefined,
  onInvalid: 'reject' | 'drop',
  issues: ReadonlyArray<StandardSchemaV1.Issue>,
): RouteResult {
  const pointers = [...new Set(issues.map((issue) => pointer(issue.path)))]
  const listed = pointers.slice(0, MAX_POINTERS)
  const more = pointers.length > listed.length ? ` and ${pointers.length - listed.length} more` : ''
  const drop = onInvalid === 'drop'
  warn(
    state,
    `hookproof: the ${state.provider} event ${quote(event)} failed its schema at ${listed.join(', ')}${more}; ` +
      (drop ? "answered 200 and dropped (onInvalid: 'drop')" : 'answered 422 PAYLOAD_SCHEMA_MISMATCH, released for a retry'),
    {
      code: 'PAYLOAD_SCHEMA_MISMATCH',
      provider: webhook.provider,
      event,
      deliveryId: webhook.deliveryId,
      // the schema library's messages, for the server log only: some quote the value they found
      issues: issues
        .slice(0, MAX_POINTERS)
        .map((issue) => ({ pointer: pointer(issue.path), message: String(issue.message).slice(0, MAX_TEXT) })),
    },
  )
  if (drop) return { status: 200, headers: EMPTY, body: '', processed: true, outcome: 'invalid', route, code: 'PAYLOAD_SCHEMA_MISMATCH' }
  const failure = fail(
    'PAYLOAD_SCHEMA_MISMATCH',
    `The payload of the ${state.provider} event ${quote(event)} does not match its schema at ${pointers.length} path${pointers.length === 1 ? '' : 's'}`,
    { provider: webhook.provider },
  )
  const problem: SchemaMismatchProblem = { ...problemDetails(failure), errors: listed.map((p) => ({ pointer: p })) }
  return {
    status: failure.status,
    headers: problemHeaders(failure),
    body: JSON.stringify(problem),
    processed: false,
    outcome: 'invalid',
    route,
    code: 'PAYLOAD_SCHEMA_MISMATCH',
  }
}
