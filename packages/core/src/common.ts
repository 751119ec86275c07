// Everything that does not depend on the crypto backend; both full entries re-export it.
export type { CryptoBackend, Hash, Part } from './crypto/types.js'
export { bytesToHex, hexToBytes } from './encoding.js'
export { optionsFromEnv } from './env.js'
export {
  type Failure,
  isWebhookVerificationError,
  type ProblemDetails,
  type ProblemOptions,
  type Rejection,
  rejection,
  STATUS,
  type WebhookErrorCode,
  WebhookVerificationError,
} from './errors.js'
export type { GithubEvents } from './events/github.js'
export type { EventSpec, RouterEvents, XplentyEventType } from './events/index.js'
export {
  ORCHEST_EVENT_TYPES,
  type OrchestEventBody,
  type OrchestEventPayload,
  type OrchestEvents,
  type OrchestEventType,
  type OrchestJob,
  type OrchestPipelineRun,
  type OrchestStep,
} from './events/orchest.js'
export { type RequestLike, type RequestOptions, toResponse } from './fetch.js'
export { DEFAULT_BODY_LIMIT, type WebhookEvent, type WebhookFlowOptions } from './flow.js'
export type { HeadersInput } from './headers.js'
export {
  checkInbox,
  type InboxQueryResult,
  type InboxResult,
  type InboxTransaction,
  type WebhookInbox,
  type WebhookTransaction,
} from './inbox.js'
export { type LambdaEventV1, type LambdaEventV2, type LambdaHttpEvent, type LambdaResult, toLambdaResult } from './lambda.js'
export { type Claim, type LeaseTiming, takeClaim } from './lease.js'
export type { RejectionLogFields, WebhookLogger } from './log.js'
export type {
  DbtCloudPayload,
  FivetranPayload,
  OrchestPayload,
  PayloadOf,
  ProviderPayloads,
  StandardWebhooksPayload,
  Up42JobStatusBody,
  Up42OrderStatusBody,
  Up42Payload,
} from './payloads.js'
export {
  type AfterVerifyContext,
  type AfterVerifyResult,
  type Configurable,
  configurable,
  defineProvider,
  type HintContext,
  type ParsedSignature,
  type PayloadOfRow,
  type PayloadType,
  type PrefixedHmacOptions,
  type Provider,
  type ProviderOptions,
  payloadText,
  payloadType,
  prefixedHmac,
  type RequestView,
  type RowHints,
  type SignInput,
  type SignTools,
} from './provider.js'
export type { GithubSwitches } from './providers/github.js'
export {
  dbtCloud,
  designerCloud,
  fivetran,
  github,
  orchest,
  type ProviderAlias,
  type ProviderName,
  providers,
  standardWebhooks,
  up42,
  xplenty,
  y42,
} from './providers/index.js'
export type { Up42Switches } from './providers/up42.js'
export { XPLENTY_EVENT_TYPES, type XplentyMetadataOptions, type XplentySwitches } from './providers/xplenty.js'
export { type BeginResult, MemoryReplayStore, type MemoryReplayStoreOptions, type ReplayStore } from './replay.js'
export {
  type AnyEventPayload,
  createRouter,
  type EventName,
  type EventPayload,
  type RoutedWebhook,
  type RouteHandler,
  type RouteOptions,
  type RouteResult,
  type RouteReturn,
  type Router,
  type RouterLogger,
  type RouterOptions,
  type SchemaMismatchProblem,
  type SpecOf,
  type WebhookRouter,
} from './router.js'
export {
  type CompiledScheme,
  compileScheme,
  type SchemeSpec,
  type SignatureSpec,
  type SignedPart,
  schemeProvider,
} from './scheme.js'
export type { StandardSchemaV1 } from './standard-schema.js'
export type { OpenTelemetryApi } from './telemetry.js'
export type {
  CheckResult,
  KnownOptions,
  PayloadForOptions,
  ProviderConfig,
  VerifiedWebhook,
  Verifier,
  VerifierOptions,
  VerifyInput,
} from './verify.js'
