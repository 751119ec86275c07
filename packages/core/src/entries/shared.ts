// What every per-provider entry exports beside its bound functions: the answers to a rejection,
// the error class and the types a handler names. Nothing here reaches the provider registry.
export {
  type Failure,
  isWebhookVerificationError,
  type ProblemDetails,
  type ProblemOptions,
  type Rejection,
  rejection,
  type WebhookErrorCode,
  WebhookVerificationError,
} from '../errors.js'
export { type RequestLike, type RequestOptions, toResponse } from '../fetch.js'
export type { HeadersInput } from '../headers.js'
export { type LambdaEventV1, type LambdaEventV2, type LambdaHttpEvent, type LambdaResult, toLambdaResult } from '../lambda.js'
export type { WebhookLogger } from '../log.js'
export type { Provider, SignInput } from '../provider.js'
export { type BeginResult, MemoryReplayStore, type MemoryReplayStoreOptions, type ReplayStore } from '../replay.js'
export type { CheckResult, VerifiedWebhook, Verifier, VerifierOptions, VerifyInput } from '../verify.js'
