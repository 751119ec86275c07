/**
 * The inspector's disk: one JSON record and one body file per delivery in a folder, kept across
 * restarts, the oldest dropped past a count or a byte budget. Bodies are files of their own so
 * the bytes stay exactly as received (no JSON or base64 round trip to get wrong).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * What the inspector's verifier said about a delivery.
 *
 * @example
 * const verdict: DevVerdict = { ok: false, code: 'SIGNATURE_MISMATCH', status: 401, message: '...', hints: ['...'] }
 */
export type DevVerdict =
  | {
      ok: true
      provider: string
      event?: string
      deliveryId?: string
      /** Signed timestamp, ms. */
      timestamp?: number
      /** What the MAC covered (core's `covered`). */
      covered: readonly string[]
      secretIndex: number
      bodyAuthenticated: boolean
    }
  | {
      ok: false
      /** Core's error code, or `NOT_CONFIGURED` when no secret is set for the provider. */
      code: string
      status: number
      message: string
      provider?: string
      event?: string
      deliveryId?: string
      /** `explain()` of the rejection. */
      hints: string[]
    }

/**
 * The app's answer to a forwarded delivery.
 *
 * @example
 * const answer: DevAppAnswer = { url: 'http://127.0.0.1:3000/webhooks/orchest', status: 401, headers: {}, body: '{"code":"SIGNATURE_MISMATCH"}', durationMs: 3 }
 */
export interface DevAppAnswer {
  url: string
  status?: number
  headers: Record<string, string>
  body: string
  durationMs: number
  /** Why no answer came (`ECONNREFUSED`, a timeout). */
  error?: string
}

/**
 * One captured delivery, as stored and as the page's API returns it (with `body` as bytes only
 * on disk).
 *
 * @example
 * const record: DevDelivery = store.list()[0]
 * record.verdict.ok // false for a tampered delivery
 */
export interface DevDelivery {
  /** Sequence number as text, `'1'`, `'2'`, …: unique in the folder, also across restarts. */
  id: string
  seq: number
  /** ms since the epoch. */
  receivedAt: number
  method: string
  /** Path and query as received. */
  path: string
  /** Node's `rawHeaders`: names and values in the order and casing received. */
  rawHeaders: string[]
  bodyBytes: number
  /** `vendor` for what arrived from outside; `replay` or a fault name for what the page sent. */
  source: string
  /** The delivery a replay was made from. */
  replayOf?: string
  verdict: DevVerdict
  /** The app's answer; absent without `--forward` or while in flight. */
  app?: DevAppAnswer
  /** What the vendor was answered: a status, `'timeout'` (no answer), or absent while in flight. */
  answered?: number | 'timeout'
  /** The vendor got a forced status instead of the app's. */
  forced?: boolean
}

/**
 * Options of {@link DeliveryStore}.
 *
 * @example
 * const store = new DeliveryStore({ dir: '.hookproof', maxDeliveries: 200, maxBytes: 20 * 1024 * 1024 })
 */
export interface DeliveryStoreOptions {
  /** Folder; created when missing. */
  dir: string
  /** Keep at most this many deliveries (default 1000). */
  maxDeliveries?: number
  /** Keep at most this many body bytes (default 100 MiB). */
  maxBytes?: number
}

/**
 * Captured deliveries on disk, newest last.
 *
 * @example
 * const store = new DeliveryStore({ dir: mkdtempSync(join(tmpdir(), 'hp-')) })
 * const record = store.add({ receivedAt: Date.now(), method: 'POST', path: '/orchest', rawHeaders: [], source: 'vendor', verdict }, body)
 * store.body(record.id) // the same bytes
 */
export class DeliveryStore {
  readonly dir: string
  readonly maxDeliveries: number
  readonly maxBytes: number
  #records: DevDelivery[] = []
  #bytes = 0
  #next = 1

  constructor(options: DeliveryStoreOptions) {
    this.dir = join(options.dir, 'deliveries')
    this.maxDeliveries = options.maxDeliveries ?? 1000
    this.maxBytes = options.maxBytes ?? 100 * 1024 * 1024
    mkdirSync(this.dir, { recursive: true })
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith('.json')) continue
      try {
        const record = JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as DevDelivery
        if (typeof record.seq !== 'number') continue
        this.#records.push(record)
      } catch {
        // a record cut short by a crash: skip it rather than refuse to start
      }
    }
    this.#records.sort((a, b) => a.seq - b.seq)
    for (const r of this.#records) this.#bytes += r.bodyBytes
    this.#next = (this.#records.at(-1)?.seq ?? 0) + 1
    this.#trim()
  }

  /** Every kept delivery, oldest first. */
  list(): readonly DevDelivery[] {
    return this.#records
  }

  get(id: string): DevDelivery | undefined {
    return this.#records.find((r) => r.id === id)
  }

  /** The body exactly as received, or `undefined` for a dropped delivery. */
  body(id: string): Buffer | undefined {
    if (this.get(id) === undefined) return undefined
    try {
      return readFileSync(join(this.dir, `${id}.body`))
    } catch {
      return undefined
    }
  }

  /** Stores a new delivery and drops the oldest past the bounds. */
  add(record: Omit<DevDelivery, 'id' | 'seq' | 'bodyBytes'>, body: Uint8Array): DevDelivery {
    const seq = this.#next++
    const full: DevDelivery = { id: String(seq), seq, bodyBytes: body.length, ...record }
    writeFileSync(join(this.dir, `${full.id}.body`), body)
    this.#write(full)
    this.#records.push(full)
    this.#bytes += body.length
    this.#trim()
    return full
  }

  /** Records what happened after storing (the app's answer, what the vendor got). */
  update(id: string, change: Partial<Pick<DevDelivery, 'app' | 'answered' | 'forced'>>): DevDelivery | undefined {
    const record = this.get(id)
    if (record === undefined) return undefined
    Object.assign(record, change)
    this.#write(record)
    return record
  }

  #write(record: DevDelivery): void {
    // write-then-rename: a crash leaves the old record or the new one, never half of one
    const path = join(this.dir, `${record.id}.json`)
    writeFileSync(`${path}.tmp`, JSON.stringify(record))
    renameSync(`${path}.tmp`, path)
  }

  #trim(): void {
    while (this.#records.length > 0 && (this.#records.length > this.maxDeliveries || this.#bytes > this.maxBytes)) {
      // the newest is kept even when it alone is over the byte budget
      if (this.#records.length === 1) break
      const old = this.#records.shift() as DevDelivery
      this.#bytes -= old.bodyBytes
      rmSync(join(this.dir, `${old.id}.json`), { force: true })
      rmSync(join(this.dir, `${old.id}.body`), { force: true })
    }
  }
}
