/**
 * Ids for mock deliveries. With a seed, a small PRNG (sfc32 seeded through cyrb128) makes every
 * id reproducible, so a test can name the exact body it expects; without one, ids come from the
 * platform's CSPRNG. Not for secrets either way.
 */

/**
 * A source of random values for ids: seeded and reproducible, or backed by the CSPRNG.
 *
 * @example
 * const rng: Rng = createRng(42)
 * rng.hex(8) // eight lowercase hex characters, the same for every run with seed 42
 */
export interface Rng {
  /** A uniformly distributed 32-bit unsigned integer. */
  uint32(): number
  /** An integer in `[min, max]`. */
  int(min: number, max: number): number
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T
  /** `n` random bytes. */
  bytes(n: number): Uint8Array
  /** A random (version 4) UUID, lowercase. */
  uuid(): string
  /** `n` lowercase hex characters. */
  hex(n: number): string
  /** `n` characters from `A-Z a-z 0-9`. */
  alnum(n: number): string
}

/**
 * A seed: any string or number; equal seeds give equal sequences.
 *
 * @example
 * const seed: Seed = process.env.CI ? 'ci' : Date.now()
 * const d = orchestPing({ seed })
 */
export type Seed = string | number

/**
 * Returns a seeded generator when `seed` is given, otherwise one backed by `crypto.getRandomValues`.
 *
 * @example
 * createRng('demo').uuid() // the same UUID on every run
 */
export function createRng(seed?: Seed): Rng {
  return seed === undefined ? fromSource(cryptoUint32) : fromSource(sfc32(cyrb128(String(seed))))
}

function cryptoUint32(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0] as number
}

/** cyrb128: spreads a string over four 32-bit words for seeding. */
function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator). */
function sfc32([seedA, seedB, seedC, seedD]: [number, number, number, number]): () => number {
  let a = seedA
  let b = seedB
  let c = seedC
  let d = seedD
  return () => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    return t >>> 0
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

function fromSource(next: () => number): Rng {
  const rng: Rng = {
    uint32: next,
    int(min, max) {
      return min + Math.floor((next() / 2 ** 32) * (max - min + 1))
    },
    pick(items) {
      if (items.length === 0) throw new RangeError('pick() from an empty list')
      return items[rng.int(0, items.length - 1)] as (typeof items)[number]
    },
    bytes(n) {
      const out = new Uint8Array(n)
      for (let i = 0; i < n; i += 4) {
        let word = next()
        for (let j = i; j < Math.min(i + 4, n); j++) {
          out[j] = word & 0xff
          word >>>= 8
        }
      }
      return out
    },
    uuid() {
      const b = rng.bytes(16)
      b[6] = ((b[6] as number) & 0x0f) | 0x40
      b[8] = ((b[8] as number) & 0x3f) | 0x80
      const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
    },
    hex(n) {
      return Array.from(rng.bytes(Math.ceil(n / 2)), (x) => x.toString(16).padStart(2, '0'))
        .join('')
        .slice(0, n)
    },
    alnum(n) {
      let out = ''
      for (let i = 0; i < n; i++) out += ALNUM[rng.int(0, ALNUM.length - 1)]
      return out
    },
  }
  return rng
}
