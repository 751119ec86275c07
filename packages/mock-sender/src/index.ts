export type { HookproofIo } from './cli/hookproof-command.js'
export { devSecrets, HOOKPROOF_USAGE, runHookproof } from './cli/hookproof-command.js'
export { formatTable } from './cli/table.js'
export type {
  CaseName,
  CaseVerdict,
  ConformanceCase,
  ConformanceOptions,
  ConformanceReport,
  ObservedResponse,
} from './conformance/conformance.js'
export {
  conformance,
  describeExpected,
  describeObserved,
  formatReport,
  judgeCase,
  readCounter,
  reportRows,
  responseCode,
  responseDetail,
  runCase,
} from './conformance/conformance.js'
export type { FactoryOptions, HttpMethod, MockProvider, TimeoutMode, UnsignedDelivery } from './delivery.js'
export { bodyText, MOCK_PROVIDERS, SEEDED_NOW } from './delivery.js'
export type { DevServer, DevServerOptions, ForcedAnswer, ReplayKind } from './dev/server.js'
export { DEV_PREFIX, REPLAY_KINDS, startDevServer } from './dev/server.js'
export type { DeliveryStoreOptions, DevAppAnswer, DevDelivery, DevVerdict } from './dev/store.js'
export { DeliveryStore } from './dev/store.js'
export { curlCommand, isSecretHeader, redactedPairs } from './dev/wire.js'
export type { CreateDeliveryOptions } from './events.js'
export { createDelivery, EVENT_TYPES } from './events.js'
export type { CaseOptions, DeliveryCase } from './faults/cases.js'
export {
  buildCase,
  defaultWrongSecret,
  malformSignatureValue,
  tamperBody,
  tamperSignatureValue,
  VALID_EXPECT,
} from './faults/cases.js'
export type { ExpectedResponse, Fault, FaultName, StatusClass } from './faults/faults.js'
export {
  FAULT_NAMES,
  FAULTS,
  faultApplies,
  faultsFor,
  getFault,
  reserializedBody,
  statusesMatch,
  statusMatches,
} from './faults/faults.js'
export type { FormFields } from './formats/form.js'
export { quotePlus, urlencode } from './formats/form.js'
export { jsonbOrder } from './formats/jsonb.js'
export type { DeepPartial } from './formats/overrides.js'
export { applyOverrides } from './formats/overrides.js'
export type { PyJsonOptions, PyJsonValue } from './formats/python-json.js'
export { PyFloat, pyFloat, pyFloatRepr, pyJson, pyString } from './formats/python-json.js'
export type { Rng, Seed } from './formats/random.js'
export { createRng } from './formats/random.js'
export { httpDate, isoMillis, isoSeconds, pythonUtcTimestamp } from './formats/time.js'
export type { SignDeliveryOptions, SignedDelivery } from './sign.js'
export { signDelivery } from './sign.js'
export type { DesignerCloudEventOptions, DesignerCloudJobStatus } from './vendors/designer-cloud.js'
export {
  DESIGNER_CLOUD_DEFAULT_TEMPLATE,
  DESIGNER_CLOUD_TIMEOUT_MS,
  designerCloudEvent,
  renderDesignerCloudTemplate,
} from './vendors/designer-cloud.js'
export type { GithubEventOptions, GithubEventType } from './vendors/github.js'
export { GITHUB_TIMEOUT_MS, githubEvent } from './vendors/github.js'
export type {
  OrchestContentType,
  OrchestDeliveredFor,
  OrchestEventOptions,
  OrchestEventType,
} from './vendors/orchest.js'
export { ORCHEST_EVENT_TYPES, ORCHEST_HEADER_ORDER, ORCHEST_TIMEOUT_MS, orchestEvent, orchestPing } from './vendors/orchest.js'
export type { StandardWebhooksEventOptions } from './vendors/standard-webhooks.js'
export { STANDARD_WEBHOOKS_TIMEOUT_MS, standardWebhooksEvent } from './vendors/standard-webhooks.js'
export type {
  Up42Envelope,
  Up42EventOptions,
  Up42EventType,
  Up42JobBody,
  Up42JobStatus,
  Up42OrderBody,
  Up42Task,
} from './vendors/up42.js'
export { UP42_EVENT_TYPES, UP42_TIMEOUT_MS, up42Event } from './vendors/up42.js'
export type { XplentyEventOptions, XplentyEventType } from './vendors/xplenty.js'
export { XPLENTY_EVENT_TYPES, XPLENTY_TIMEOUT_MS, xplentyEvent } from './vendors/xplenty.js'
export type { Y42Asset, Y42EventOptions, Y42Status } from './vendors/y42.js'
export { Y42_ASSETS, Y42_TIMEOUT_MS, y42Event } from './vendors/y42.js'
export type { RetryOption, RetryPolicy } from './wire/retry.js'
export { NO_RETRY, ORCHEST_RETRY, retryPolicy, VENDOR_RETRY } from './wire/retry.js'
export type { SendAttempt, SendClock, SendOptions, SendResult } from './wire/send.js'
export { fakeClock, isUnreachable, realClock, send } from './wire/send.js'
export type { FetchLike, TransportError, WireRequest, WireResponse } from './wire/transport.js'
export { UNREACHABLE_CODES } from './wire/transport.js'
