import { describe, expect, expectTypeOf, it } from 'vitest'
import { createVerifier, type OrchestPayload, type StandardWebhooksPayload, type Up42Payload, type VerifierOptions } from '../src/node.js'

// Type assertions: checked by `npm run typecheck` (tsc), the functions are never called.
describe('payload types follow the provider', () => {
  it('a verifier for one built-in provider returns its documented payload type', () => {
    const orchest = createVerifier({ provider: 'orchest', secret: 's' })
    const up42 = createVerifier({ provider: 'up42', secret: 's' })
    const typed = async () => {
      expectTypeOf((await orchest.verify({ body: '', headers: {} })).payload).toEqualTypeOf<OrchestPayload>()
      const r = await up42.check({ body: '', headers: {} })
      if (r.ok) expectTypeOf(r.webhook.payload).toEqualTypeOf<Up42Payload>()
    }
    expect(typeof typed).toBe('function')
  })
  it('several providers, an undocumented one or loosely typed options give unknown; an explicit type wins', () => {
    const many = createVerifier({ providers: ['orchest', 'github'], secret: 's' })
    const y42 = createVerifier({ provider: 'y42', secret: 's' })
    const loose: VerifierOptions = { provider: 'orchest', secret: 's' }
    const typed = async () => {
      expectTypeOf((await many.verify({ body: '', headers: {} })).payload).toEqualTypeOf<unknown>()
      expectTypeOf((await y42.verify({ body: '', headers: {} })).payload).toEqualTypeOf<unknown>()
      expectTypeOf((await createVerifier(loose).verify({ body: '', headers: {} })).payload).toEqualTypeOf<unknown>()
      expectTypeOf((await y42.verify<{ a: 1 }>({ body: '', headers: {} })).payload).toEqualTypeOf<{ a: 1 }>()
    }
    expect(typeof typed).toBe('function')
  })
})

describe('misspelt options are type errors, not silently ignored', () => {
  it('createVerifier({ tolerance: 10 }) does not type-check; toleranceSeconds does, and keeps the payload type', () => {
    const make = () => {
      // @ts-expect-error tolerance is not an option: toleranceSeconds is
      createVerifier({ provider: 'orchest', secret: 's', tolerance: 10 })
      const right = createVerifier({ provider: 'orchest', secret: 's', toleranceSeconds: 10 })
      const typed = async () => expectTypeOf((await right.verify({ body: '', headers: {} })).payload).toEqualTypeOf<OrchestPayload>()
      // a vendor alias infers the payload of the provider it names
      const svix = createVerifier({ provider: 'svix', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
      const aliased = async () =>
        expectTypeOf((await svix.verify({ body: '', headers: {} })).payload).toEqualTypeOf<StandardWebhooksPayload>()
      return [typed, aliased]
    }
    expect(typeof make).toBe('function')
  })
})
