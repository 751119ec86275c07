// The public surface: what a user of the mock sender calls. Format helpers, vendor factories and
// the CLI's pieces are internal (tests import them from their source files).

export type { HookproofIo } from './cli/run.js'
export { runHookproof } from './cli/run.js'
export { formatTable } from './cli/table.js'
export type {
  CaseName,
  CaseVerdict,
  ConformanceCase,
  ConformanceOptions,
  ConformanceReport,
  ObservedResponse,
} from './conformance/conformance.js'
export { conformance, formatReport } from './conformance/conformance.js'
export type { CreateDeliveryOptions, FactoryOptions, HttpMethod, MockProvider, TimeoutMode, UnsignedDelivery } from './delivery.js'
export { MOCK_PROVIDERS } from './delivery.js'
export type { DevServer, DevServerOptions, ForcedAnswer, ReplayKind } from './dev/server.js'
export { startDevServer } from './dev/server.js'
export { createDelivery, EVENT_TYPES } from './events.js'
export type { CaseOptions, DeliveryCase } from './faults/cases.js'
export { buildCase } from './faults/cases.js'
export type { ExpectedResponse, StatusClass } from './faults/expect.js'
export type { Fault, FaultContext, FaultName } from './faults/faults.js'
export { FAULTS, faultsFor } from './faults/faults.js'
export type { RowFacts } from './faults/scope.js'
export type { Seed } from './formats/random.js'
export type { SignDeliveryOptions, SignedDelivery } from './sign.js'
export { signDelivery } from './sign.js'
export type { Vendor } from './vendors/vendor.js'
export type { RetryOption, RetryPolicy } from './wire/retry.js'
export type { SendAttempt, SendClock, SendOptions, SendResult } from './wire/send.js'
export { fakeClock, isUnreachable, send } from './wire/send.js'
export type { FetchLike, TransportError, WireRequest, WireResponse } from './wire/transport.js'
