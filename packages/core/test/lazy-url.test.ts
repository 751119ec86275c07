import { describe, expect, it } from 'vitest'
import { createVerifier, type VerifyInput } from '../src/index.js'
import type { Vector } from './backends.js'
import vectors from './vectors/vectors.json' with { type: 'json' }

// The URL is part of the signed content only for Designer Cloud GET/DELETE: for every other
// request neither `input.url` nor a `signedUrl` function is read, so an adapter that builds the
// URL on demand (a getter) pays nothing for it. Signatures come from the fixed vectors.

const byId = (id: string) => (vectors as unknown as Vector[]).find((v) => v.id === id) as Vector

/** `v` as a VerifyInput whose `url` is a getter that counts its reads. */
function counted(v: Vector): { input: VerifyInput; reads: () => number } {
  let reads = 0
  const input: VerifyInput = {
    body: v.body,
    headers: v.headers,
    method: v.method,
    get url() {
      reads++
      return v.url
    },
  }
  return { input, reads: () => reads }
}

describe('the request URL is read only when a scheme signs it', () => {
  it('a Designer Cloud POST (body signed) verifies without reading input.url', async () => {
    const v = byId('designer-cloud-post')
    const { input, reads } = counted(v)
    const verifier = createVerifier({ provider: 'designer-cloud', secret: v.secret, now: () => Number(v.now), replayStore: false })
    expect((await verifier.check(input)).ok).toBe(true)
    expect(reads()).toBe(0)
  })

  it('a Designer Cloud GET (URL signed) reads input.url once and verifies against it', async () => {
    const v = byId('designer-cloud-get')
    const { input, reads } = counted(v)
    const verifier = createVerifier({ provider: 'designer-cloud', secret: v.secret, now: () => Number(v.now), replayStore: false })
    expect((await verifier.check(input)).ok).toBe(true)
    expect(reads()).toBe(1)
  })

  it('a signedUrl function is not called for a POST, and is called once for a GET, with the input', async () => {
    const post = byId('designer-cloud-post')
    const get = byId('designer-cloud-get')
    const seen: VerifyInput[] = []
    const verifier = createVerifier({
      provider: 'designer-cloud',
      secret: get.secret,
      now: () => Number(get.now),
      replayStore: false,
      signedUrl: (input) => {
        seen.push(input)
        return get.url
      },
    })
    expect((await verifier.check({ body: post.body, headers: post.headers, method: 'POST' })).ok).toBe(true)
    expect(seen).toHaveLength(0)
    // received at an internal address: only the signedUrl makes it verify
    const input = { body: get.body, headers: get.headers, method: 'GET', url: 'http://10.0.0.5:8080/trifacta?job=5263842' }
    expect((await verifier.check(input)).ok).toBe(true)
    expect(seen).toEqual([input])
  })

  it('a GET whose URL differs from the signed one is still SIGNATURE_MISMATCH', async () => {
    const v = byId('designer-cloud-get')
    const verifier = createVerifier({ provider: 'designer-cloud', secret: v.secret, now: () => Number(v.now), replayStore: false })
    const result = await verifier.check({ body: v.body, headers: v.headers, method: 'GET', url: `${v.url}&x=1` })
    expect(result.ok).toBe(false)
    expect(result.ok ? undefined : result.code).toBe('SIGNATURE_MISMATCH')
  })
})
