// What a framework adapter needs and a user does not: the shared flow and the body helpers.
// `@hookproof/core/adapter` re-exports this with `createWebhookFlow` bound to a crypto backend.

export { type EndableResponse, sendNodeResponse, type WritableResponse, whenAnswered } from './answered.js'
export type { Failure } from './errors.js'
export {
  adapterOptions,
  bodyAlreadyParsed,
  bodyReadFailure,
  bodyTimedOut,
  bodyTimeoutOption,
  DEFAULT_BODY_LIMIT,
  DEFAULT_BODY_TIMEOUT_MS,
  type FlowHooks,
  type FlowRequest,
  type FlowResponse,
  limitBytes,
  readBodyWithin,
  type WebhookEvent,
  type WebhookFlow,
  type WebhookFlowOptions,
} from './flow.js'
export { type NodeHeadersSource, nodeRequestHeaders } from './headers.js'
export { type RouteOptions, type RouteSettings, routeOptions } from './route-options.js'
export type { OpenTelemetryApi } from './telemetry.js'
export { joinChunks, readWebStream, type StreamStop } from './web-body.js'
