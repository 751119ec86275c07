import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { LambdaHttpEvent } from '../src/index.js'
import { type Api, backends, type Vector } from './backends.js'
import vectors from './vectors/vectors.json' with { type: 'json' }

// The attacker holds one captured, validly signed delivery and sends it again with a second copy
// of the signature header (a bogus one, or the same one). Whatever shape the headers arrive in, a
// signature header sent twice is MALFORMED_SIGNATURE "sent 2 times": never verified on the valid
// copy, never silently reduced to one of them.

const all = (vectors as unknown as Vector[]).filter((v) => v.valid)
const byId = (id: string) => all.find((v) => v.id === id) as Vector

/** The shapes a repeated header reaches the verifier in. */
const SHAPES = [
  'record-two-casings',
  'array',
  'node-headersDistinct',
  'node-headers-joined',
  'fetch-headers',
  'lambda-v1-multiValueHeaders',
  'lambda-v2-joined',
] as const
type Shape = (typeof SHAPES)[number]

const lower = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))

/**
 * Sends `v` with the header `name` carrying `first` then `second`, in `shape`, and returns the
 * outcome (`OK` or the code) with the message.
 */
async function deliver(api: Api, v: Vector, name: string, values: [string, string] | [string], shape: Shape) {
  const options = { provider: v.provider as 'github', secret: v.secret, now: () => v.now, signedUrl: v.url, ...v.options }
  const others = Object.fromEntries(Object.entries(v.headers).filter(([k]) => k.toLowerCase() !== name.toLowerCase()))
  const key = name.toLowerCase()
  const [a, b] = values
  const result = await (async () => {
    const input = (headers: unknown) =>
      api.check({ body: v.body, headers: headers as Record<string, string>, method: v.method, url: v.url }, options)
    switch (shape) {
      case 'record-two-casings':
        // one copy under the name as the vendor spells it, the other in lowercase
        return input(b === undefined ? { ...others, [name]: a } : { ...others, [name.toUpperCase()]: a, [key]: b })
      case 'array':
        return input({ ...others, [name]: b === undefined ? [a] : [a, b] })
      case 'node-headersDistinct': {
        const distinct: Record<string, string[]> = {}
        for (const [k, value] of Object.entries(lower(others))) distinct[k] = [value]
        distinct[key] = b === undefined ? [a] : [a, b]
        return input(distinct)
      }
      case 'node-headers-joined':
        // Node's req.headers joins repeats of unknown headers with ", "
        return input({ ...lower(others), [key]: b === undefined ? a : `${a}, ${b}` })
      case 'fetch-headers': {
        const headers = new Headers(others)
        headers.append(name, a)
        if (b !== undefined) headers.append(name, b)
        return input(headers)
      }
      case 'lambda-v1-multiValueHeaders': {
        const multi: Record<string, string[]> = {}
        for (const [k, value] of Object.entries(others)) multi[k] = [value]
        multi[name] = b === undefined ? [a] : [a, b]
        const event = {
          httpMethod: v.method ?? 'POST',
          path: '/hooks',
          headers: { ...others, [name]: b ?? a }, // REST APIs keep the last copy here
          multiValueHeaders: multi,
          requestContext: { domainName: 'hooks.example.com' },
          body: v.body,
          isBase64Encoded: false,
        }
        return api.checkLambdaEvent(event as unknown as LambdaHttpEvent, options)
      }
      case 'lambda-v2-joined': {
        // HTTP APIs (payload 2.0) and function URLs lowercase names and join repeats with ","
        const event = {
          version: '2.0',
          rawPath: '/hooks',
          rawQueryString: '',
          headers: { ...lower(others), host: 'hooks.example.com', [key]: b === undefined ? a : `${a},${b}` },
          requestContext: { domainName: 'hooks.example.com', http: { method: v.method ?? 'POST' } },
          body: v.body,
          isBase64Encoded: false,
        }
        return api.checkLambdaEvent(event as unknown as LambdaHttpEvent, options)
      }
    }
  })()
  return result.ok ? { code: 'OK', message: '' } : { code: result.code, message: result.message }
}

/** The vector's signature headers (as the vector spells them). */
function signatureHeaders(api: Api, v: Vector): string[] {
  const row = api.providers[v.provider as 'github']
  return Object.keys(v.headers).filter((h) => row.signatureHeaders.includes(h.toLowerCase()))
}

describe.each(backends)('attack: a second copy of the signature header (%s)', (_name, api) => {
  const dc = byId('designer-cloud-post')
  const good = dc.headers['X-Webhook-Signature'] as string
  const bogus = [
    ['a bogus signature with its own t', `t=1700000000001,sha256=${'0'.repeat(64)}`],
    ['a bare sha256= entry', `sha256=${'0'.repeat(64)}`],
    ['the same signature again', good],
  ] as const

  it.each(SHAPES)('the captured Designer Cloud delivery verifies as sent in %s', async (shape) => {
    expect((await deliver(api, dc, 'X-Webhook-Signature', [good], shape)).code).toBe('OK')
  })

  describe.each(bogus)('Designer Cloud X-Webhook-Signature with %s appended', (_what, second) => {
    it.each(SHAPES)('in %s is MALFORMED_SIGNATURE "sent 2 times"', async (shape) => {
      for (const order of [
        [good, second],
        [second, good],
      ] as const) {
        const outcome = await deliver(api, dc, 'X-Webhook-Signature', [order[0], order[1]], shape)
        expect(outcome.code).toBe('MALFORMED_SIGNATURE')
        expect(outcome.message).toContain('sent 2 times')
      }
    })
  })

  it('Orchest X-Hub-Signature in a record with two casings is MALFORMED_SIGNATURE "sent 2 times", whichever copy is valid', async () => {
    const ping = byId('orchest-ping-json')
    const sig = ping.headers['X-Hub-Signature'] as string
    const rest = Object.fromEntries(Object.entries(ping.headers).filter(([k]) => k !== 'X-Hub-Signature'))
    const forged = `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`
    for (const headers of [
      { ...rest, 'x-hub-signature': sig, 'X-Hub-Signature': forged },
      { ...rest, 'X-Hub-Signature': sig, 'x-hub-signature': forged },
      { ...rest, 'X-Hub-Signature': sig, 'x-hub-signature': sig },
      { ...rest, 'x-hub-signature': sig, 'X-HUB-SIGNATURE': forged },
    ]) {
      const r = await api.check({ body: ping.body, headers }, { provider: 'orchest', secret: ping.secret })
      expect(r).toMatchObject({ ok: false, code: 'MALFORMED_SIGNATURE' })
      expect(r.ok ? '' : r.message).toContain('sent 2 times')
    }
  })

  it('property: for every vector, a second copy of a signature header never verifies, in any shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...all),
        fc.constantFrom(...SHAPES),
        fc.nat(),
        fc.boolean(),
        fc.option(fc.nat(), { nil: undefined }),
        async (v, shape, pick, duplicateFirst, flipAt) => {
          const names = signatureHeaders(api, v)
          const name = names[pick % names.length] as string
          const value = v.headers[name] as string
          // the same value, or the value with one character changed (a forged copy)
          let copy = value
          if (flipAt !== undefined) {
            const i = flipAt % value.length
            copy = value.slice(0, i) + (value[i] === 'a' ? 'b' : 'a') + value.slice(i + 1)
          }
          const outcome = await deliver(api, v, name, duplicateFirst ? [copy, value] : [value, copy], shape)
          expect(outcome.code).not.toBe('OK')
        },
      ),
      { numRuns: 300 },
    )
  })

  it('every vector still verifies with its one copy in every shape (the property above rejects only the duplicate)', async () => {
    for (const v of all) {
      for (const shape of SHAPES) {
        for (const name of signatureHeaders(api, v)) {
          const outcome = await deliver(api, v, name, [v.headers[name] as string], shape)
          expect(`${v.id} ${shape} ${outcome.code} ${outcome.message}`).toBe(`${v.id} ${shape} OK `)
        }
      }
    }
  })
})
