/**
 * `hookproof dev`: a local receiver that verifies each delivery with core's verifier, keeps it
 * byte-exact on disk, forwards it byte-exact to the user's app, answers the vendor with the
 * app's status (or a forced one), and serves the inspector page and its API under `/_hookproof/`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  type CheckResult,
  createVerifier,
  DEFAULT_BODY_LIMIT,
  type Provider,
  providers,
  type RequestView,
  type Verifier,
  WebhookVerificationError,
} from '@hookproof/core'
import type { MockProvider, UnsignedDelivery } from '../delivery.js'
import { buildCase } from '../faults/cases.js'
import { getFault } from '../faults/faults.js'
import { type RowFacts, rowFacts } from '../faults/scope.js'
import { tamperBody } from '../faults/tamper.js'
import { DeliveryStore, type DevDelivery, type DevVerdict } from './store.js'
import { curlCommand, distinctHeaders, forwardRequest, redactedPairs } from './wire.js'

/**
 * The path prefix of the page's assets and API; never a provider path.
 *
 * @example
 * await fetch(`${dev.url}${DEV_PREFIX}api/deliveries`, { headers: { 'x-hookproof-token': dev.token } })
 */
export const DEV_PREFIX = '/_hookproof/'

/**
 * What the receiver answers the vendor: the app's status (`null`), a forced status, or
 * `'timeout'` (no answer at all, until the vendor gives up).
 *
 * @example
 * const forced: ForcedAnswer = 500
 * server.setForced(forced) // the vendor now gets 500 and retries
 */
export type ForcedAnswer = number | 'timeout' | null

/**
 * The replays the page offers: byte-exact, or one of the mock sender's faults.
 *
 * @example
 * const kind: ReplayKind = 'stale-timestamp' // re-signed with the configured secret, 6 minutes old
 * await server.replay('3', kind)
 */
export type ReplayKind = 'exact' | 'tampered-body' | 'stale-timestamp' | 'duplicate' | 'concurrent-duplicate'

/**
 * Every {@link ReplayKind}, in the order the page shows them.
 *
 * @example
 * for (const kind of REPLAY_KINDS) await dev.replay('1', kind)
 */
export const REPLAY_KINDS: readonly ReplayKind[] = Object.freeze([
  'exact',
  'tampered-body',
  'stale-timestamp',
  'duplicate',
  'concurrent-duplicate',
])

/**
 * Options of {@link startDevServer}.
 *
 * @example
 * const options: DevServerOptions = { port: 4400, forward: 'http://127.0.0.1:3000/webhooks', secrets: { orchest: 's3cret' } }
 */
export interface DevServerOptions {
  /** Default 4400; 0 picks a free port. */
  port?: number
  /** Default `127.0.0.1`. Anything else exposes captured deliveries to the network. */
  host?: string
  /** The app's webhook URL; the delivery's path is appended. Without it the inspector answers as a hookproof receiver would. */
  forward?: string
  /** Provider name to its secret, or `[current, previous]`. */
  secrets?: Readonly<Partial<Record<string, string | readonly string[]>>>
  /** Folder for captured deliveries; default `.hookproof`. */
  dir?: string
  /** Keep at most this many deliveries; default 1000. */
  maxDeliveries?: number
  /** Keep at most this many body bytes; default 100 MiB. */
  maxBytes?: number
  /** The verifier's timestamp tolerance; default 300 s. */
  toleranceSeconds?: number
  /** How long to wait for the app; default 30 000 ms. */
  forwardTimeoutMs?: number
  /** One line per delivery; default stderr. Never given a secret or a signature. */
  log?: (line: string) => void
}

/**
 * A running inspector.
 *
 * @example
 * const dev = await startDevServer({ port: 0, dir, secrets: { orchest: 's3cret' } })
 * console.log(`open ${dev.url}`)
 * await dev.close()
 */
export interface DevServer {
  /** `http://127.0.0.1:4400`: the page, and the base of provider paths. */
  readonly url: string
  readonly port: number
  /** The per-run token the page sends with every API call. */
  readonly token: string
  readonly store: DeliveryStore
  /** What the vendor is answered now. */
  readonly forced: ForcedAnswer
  setForced(answer: ForcedAnswer): void
  /** Sends a stored delivery to the app again (as it is, or as a fault) and returns the new records. */
  replay(id: string, kind?: ReplayKind): Promise<DevDelivery[]>
  close(): Promise<void>
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const registry = providers as unknown as Record<string, Provider>

function staticDir(): string {
  // dist/static/ beside the built module (tsup copies it), static/ two levels above src/dev/server.ts
  for (const rel of ['./static/', '../../static/']) {
    const dir = new URL(rel, import.meta.url)
    if (existsSync(new URL('index.html', dir))) return dir.pathname
  }
  throw new Error('hookproof dev: the page files (static/) are missing from the package')
}

const STATIC_FILES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
}

const PAGE_HEADERS = {
  // the page renders captured (attacker-controllable) bytes: no inline script, nothing external
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) {
        reject(new HttpError(413, `body over ${limit} bytes`))
        req.destroy()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...PAGE_HEADERS }).end(JSON.stringify(value))
}

/** Best-effort event and delivery id of a rejected delivery, read by the provider row itself. */
function describeRejected(provider: Provider | undefined, rawHeaders: string[], body: Uint8Array, method: string) {
  if (provider === undefined) return {}
  const headers = distinctHeaders(rawHeaders)
  let parsed: unknown
  let done = false
  const view: RequestView = {
    body,
    header: (name) => {
      const v = headers[name]
      return v === undefined ? undefined : v.length === 1 ? v[0] : v
    },
    method,
    url: undefined,
    options: {},
    json: () => {
      if (!done) {
        done = true
        try {
          parsed = JSON.parse(Buffer.from(body).toString('utf8'))
        } catch {
          parsed = undefined
        }
      }
      return parsed
    },
  }
  const out: { event?: string; deliveryId?: string } = {}
  try {
    const event = provider.event?.(view, view.json())
    if (typeof event === 'string') out.event = event
  } catch {}
  try {
    const id = provider.deliveryId?.(view, view.json())
    if (typeof id === 'string') out.deliveryId = id
  } catch {}
  return out
}

/** What the signature of a provider covers, said from its row when there is no verified result. */
function coverageNote(provider: Provider): string {
  const time = provider.timestampUnit === undefined ? 'no timestamp' : `a timestamp (in ${provider.timestampUnit})`
  return `${provider.title} signs with the ${provider.signatureHeaders.join(' / ')} header; its scheme covers ${time}. See ${provider.docs}`
}

function allowedHosts(host: string, port: number): Set<string> | undefined {
  if (host === '0.0.0.0' || host === '::') return undefined
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', host.includes(':') ? `[${host}]` : host])
  return new Set([...names].map((n) => `${n}:${port}`))
}

/**
 * Starts the inspector: the receiver on every path but `/` and {@link DEV_PREFIX}, the page at `/`.
 *
 * @example
 * const dev = await startDevServer({ port: 4400, forward: 'http://127.0.0.1:3000/webhooks', secrets: { orchest: process.env.ORCHEST_WEBHOOK_SECRET } })
 * // hookproof send orchest --url http://127.0.0.1:4400/orchest --secret "$ORCHEST_WEBHOOK_SECRET"
 * @throws {TypeError} for an unknown provider in `secrets` or a forward URL that is not http(s).
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const host = options.host ?? '127.0.0.1'
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const forwardTimeoutMs = options.forwardTimeoutMs ?? 30_000
  let forwardBase: URL | undefined
  if (options.forward !== undefined) {
    forwardBase = new URL(options.forward)
    if (forwardBase.protocol !== 'http:' && forwardBase.protocol !== 'https:') {
      throw new TypeError(`--forward must be http or https: ${options.forward}`)
    }
  }
  const secretsOf = new Map<string, string[]>()
  for (const [name, value] of Object.entries(options.secrets ?? {})) {
    if (value === undefined) continue
    if (registry[name] === undefined) throw new TypeError(`unknown provider "${name}"; one of ${Object.keys(registry).join(', ')}`)
    const list = (typeof value === 'string' ? [value] : [...value]).filter((s) => s !== '')
    if (list.length > 0) secretsOf.set(name, list)
  }
  const tolerance = options.toleranceSeconds === undefined ? {} : { toleranceSeconds: options.toleranceSeconds }
  // which rows sign a time, read once: replay buttons are offered synchronously per delivery
  const factsOf = new Map<string, RowFacts>()
  for (const name of secretsOf.keys()) factsOf.set(name, await rowFacts(registry[name] as Provider))
  // no replay store: the inspector shows a duplicate as what it is (validly signed); deduping is the app's job
  const byName = new Map<string, Verifier>()
  for (const [name, secrets] of secretsOf) byName.set(name, createVerifier({ provider: name as MockProvider, secrets, ...tolerance }))
  const anyProvider =
    secretsOf.size === 0
      ? undefined
      : createVerifier({
          providers: [...secretsOf].map(([provider, secrets]) => ({ provider: provider as MockProvider, secrets })),
          ...tolerance,
        })

  const store = new DeliveryStore({
    dir: options.dir ?? '.hookproof',
    ...(options.maxDeliveries === undefined ? {} : { maxDeliveries: options.maxDeliveries }),
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
  })
  const token = randomBytes(24).toString('base64url')
  const pageDir = staticDir()
  let forced: ForcedAnswer = null
  const events = new Set<ServerResponse>()
  const held = new Set<ServerResponse>()
  let port = 0
  let hosts: Set<string> | undefined

  // a revision per change, so the page can tell a stale list entry from a newer live event
  let revision = 0
  const revisions = new Map<string, number>()
  const changed = (r: DevDelivery) => {
    revisions.set(r.id, ++revision)
    broadcast('delivery', summary(r))
  }
  const broadcast = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
    for (const res of events) res.write(frame)
  }

  const pathProvider = (path: string): string | undefined => {
    const first = path.split('?')[0]?.split('/')[1]
    return first !== undefined && registry[first] !== undefined ? first : undefined
  }

  async function verdictFor(
    path: string,
    method: string,
    rawHeaders: string[],
    body: Buffer,
    hostHeader: string | undefined,
  ): Promise<DevVerdict> {
    const named = pathProvider(path)
    const verifier = named === undefined ? anyProvider : byName.get(named)
    if (verifier === undefined) {
      const env = named === undefined ? 'a *_WEBHOOK_SECRET variable' : (registry[named]?.envVar ?? 'its secret variable')
      return {
        ok: false,
        code: 'NOT_CONFIGURED',
        status: 500,
        message:
          named === undefined
            ? 'no secret is configured, so nothing can be verified'
            : `no secret is configured for ${named}: set ${env} or pass --secret ${named}=...`,
        ...(named === undefined ? {} : { provider: named, ...describeRejected(registry[named], rawHeaders, body, method) }),
        hints: [],
      }
    }
    const result: CheckResult = await verifier.check({
      body,
      headers: distinctHeaders(rawHeaders),
      method,
      url: `http://${hostHeader ?? `127.0.0.1:${port}`}${path}`,
    })
    if (result.ok) {
      const w = result.webhook
      return {
        ok: true,
        provider: w.provider,
        ...(w.event === undefined ? {} : { event: w.event }),
        ...(w.deliveryId === undefined ? {} : { deliveryId: w.deliveryId }),
        ...(w.timestamp === undefined ? {} : { timestamp: w.timestamp }),
        covered: [...w.covered],
        secretIndex: w.secretIndex,
        bodyAuthenticated: w.bodyAuthenticated,
      }
    }
    const provider = result.provider ?? named
    const hints = await WebhookVerificationError.from(result).explain()
    return {
      ok: false,
      code: result.code,
      status: result.status,
      message: result.message,
      ...(provider === undefined ? {} : { provider, ...describeRejected(registry[provider], rawHeaders, body, method) }),
      hints,
    }
  }

  /** Verify, store, forward, record: the same steps for a vendor's delivery and a page replay. */
  async function capture(input: {
    method: string
    path: string
    rawHeaders: string[]
    body: Buffer
    source: string
    replayOf?: string
  }): Promise<DevDelivery> {
    const hostHeader = distinctHeaders(input.rawHeaders).host?.[0]
    const verdict = await verdictFor(input.path, input.method, input.rawHeaders, input.body, hostHeader)
    let record = store.add(
      {
        receivedAt: Date.now(),
        method: input.method,
        path: input.path,
        rawHeaders: input.rawHeaders,
        source: input.source,
        ...(input.replayOf === undefined ? {} : { replayOf: input.replayOf }),
        verdict,
      },
      input.body,
    )
    changed(record)
    if (forwardBase !== undefined) {
      const app = await forwardRequest(forwardUrl(input.path), input.method, input.rawHeaders, input.body, forwardTimeoutMs)
      record = store.update(record.id, { app }) ?? record
      changed(record)
    }
    const v = record.verdict
    log(
      `#${record.id} ${input.method} ${input.path} ${v.provider ?? '?'} ${v.ok ? 'verified' : `rejected ${v.code}`}` +
        (record.app === undefined ? '' : ` -> app ${record.app.status ?? record.app.error}`) +
        (input.source === 'vendor' ? '' : ` (${input.source} of #${input.replayOf})`),
    )
    return record
  }

  const forwardUrl = (path: string): string => {
    const base = forwardBase as URL
    const [p, q] = [path.split('?')[0] ?? '', path.includes('?') ? path.slice(path.indexOf('?')) : '']
    return `${base.origin}${base.pathname.replace(/\/$/, '')}${p === '/' ? '' : p}${q}`
  }

  function summary(r: DevDelivery) {
    return {
      id: r.id,
      revision: revisions.get(r.id) ?? 0,
      receivedAt: r.receivedAt,
      method: r.method,
      path: r.path,
      source: r.source,
      ...(r.replayOf === undefined ? {} : { replayOf: r.replayOf }),
      provider: r.verdict.provider ?? null,
      event: r.verdict.event ?? null,
      deliveryId: r.verdict.deliveryId ?? null,
      ok: r.verdict.ok,
      code: r.verdict.ok ? null : r.verdict.code,
      appStatus: r.app?.status ?? null,
      appError: r.app?.error ?? null,
      answered: r.answered ?? null,
      forced: r.forced === true,
    }
  }

  function replayKinds(r: DevDelivery): Record<ReplayKind, string | true> {
    const noForward = 'start hookproof dev with --forward to replay'
    const out = Object.fromEntries(REPLAY_KINDS.map((k) => [k, forwardBase === undefined ? noForward : true])) as Record<
      ReplayKind,
      string | true
    >
    if (forwardBase !== undefined) {
      const stale = staleDelivery(r)
      if (typeof stale === 'string') out['stale-timestamp'] = stale
    }
    return out
  }

  /** The stored delivery as an unsigned mock delivery to re-sign, or why that cannot be done. */
  function staleDelivery(r: DevDelivery): { delivery: UnsignedDelivery; secret: string } | string {
    const name = r.verdict.provider ?? pathProvider(r.path)
    if (name === undefined) return 'the provider is not known'
    const row = registry[name] as Provider
    const secret = secretsOf.get(name)?.[0]
    if (secret === undefined) return `no secret configured for ${name}`
    const headers: Record<string, string> = {}
    for (let i = 0; i + 1 < r.rawHeaders.length; i += 2) {
      const n = r.rawHeaders[i] as string
      const lower = n.toLowerCase()
      if (['host', 'content-length', 'connection', 'transfer-encoding'].includes(lower) || row.signatureHeaders.includes(lower)) continue
      headers[n] = r.rawHeaders[i + 1] as string
    }
    const delivery: UnsignedDelivery = {
      provider: name as MockProvider,
      method: r.method as UnsignedDelivery['method'],
      headers,
      body: store.body(r.id) ?? new Uint8Array(),
      event: r.verdict.event ?? '',
      ...(r.verdict.deliveryId === undefined ? {} : { deliveryId: r.verdict.deliveryId }),
      createdAt: r.receivedAt,
      timeoutMs: forwardTimeoutMs,
    }
    const facts = factsOf.get(name)
    if (facts === undefined || !getFault('stale-timestamp').applies(facts, delivery)) return `${row.title} signs no timestamp`
    return { delivery, secret }
  }

  async function replay(id: string, kind: ReplayKind = 'exact'): Promise<DevDelivery[]> {
    const r = store.get(id)
    const body = store.body(id)
    if (r === undefined || body === undefined) throw new HttpError(404, `no delivery ${id}`)
    const can = replayKinds(r)[kind]
    if (can === undefined) throw new HttpError(400, `unknown replay ${kind}`)
    if (can !== true) throw new HttpError(409, can)
    const base = { method: r.method, path: r.path, replayOf: r.id }
    switch (kind) {
      case 'exact':
        return [await capture({ ...base, rawHeaders: r.rawHeaders, body, source: 'replay' })]
      case 'tampered-body':
        return [await capture({ ...base, rawHeaders: r.rawHeaders, body: Buffer.from(tamperBody(body)), source: kind })]
      case 'duplicate': {
        const first = await capture({ ...base, rawHeaders: r.rawHeaders, body, source: kind })
        return [first, await capture({ ...base, rawHeaders: r.rawHeaders, body, source: kind })]
      }
      case 'concurrent-duplicate':
        return Promise.all([0, 1].map(() => capture({ ...base, rawHeaders: r.rawHeaders, body, source: kind })))
      case 'stale-timestamp': {
        const { delivery, secret } = staleDelivery(r) as { delivery: UnsignedDelivery; secret: string }
        const c = await buildCase(delivery, 'stale-timestamp', { secret, url: forwardUrl(r.path), ...tolerance })
        const signed = c.requests[0]
        if (signed === undefined) throw new HttpError(500, 'the mock sender built no request')
        const hostAt = r.rawHeaders.findIndex((n, i) => i % 2 === 0 && n.toLowerCase() === 'host')
        const rawHeaders = hostAt >= 0 ? [r.rawHeaders[hostAt] as string, r.rawHeaders[hostAt + 1] as string] : []
        for (const [n, v] of Object.entries(signed.headers)) rawHeaders.push(n, v)
        return [await capture({ ...base, rawHeaders, body: Buffer.from(signed.body), source: kind })]
      }
    }
  }

  function detail(r: DevDelivery) {
    const body = store.body(r.id) ?? Buffer.alloc(0)
    const name = r.verdict.provider ?? pathProvider(r.path)
    const row = name === undefined ? undefined : registry[name]
    return {
      ...summary(r),
      verdict: r.verdict,
      headers: redactedPairs(r.rawHeaders),
      bodyBytes: r.bodyBytes,
      body: body.toString('utf8'),
      bodyBase64: body.toString('base64'),
      covered: r.verdict.ok ? r.verdict.covered : null,
      coverage: row === undefined ? null : coverageNote(row),
      app: r.app ?? null,
      replays: replayKinds(r),
      forwardUrl: forwardBase === undefined ? null : forwardUrl(r.path),
    }
  }

  function checkToken(req: IncomingMessage, url: URL, mutating: boolean): void {
    const given = (req.headers['x-hookproof-token'] as string | undefined) ?? (mutating ? undefined : url.searchParams.get('token'))
    const a = Buffer.from(given ?? '')
    const b = Buffer.from(token)
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new HttpError(403, 'missing or wrong hookproof token (reload the page)')
    if (mutating) {
      // a custom header already forces a CORS preflight, which is never answered; Origin is the second lock
      const origin = req.headers.origin
      if (origin !== undefined && origin !== `http://${req.headers.host}`) throw new HttpError(403, 'cross-origin request refused')
    }
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = url.pathname.slice(DEV_PREFIX.length)
    const method = req.method ?? 'GET'
    if (method === 'GET' && route.startsWith('static/')) {
      const file = route.slice('static/'.length)
      const type = STATIC_FILES[file]
      if (type === undefined) throw new HttpError(404, 'not found')
      res.writeHead(200, { 'content-type': type, ...PAGE_HEADERS }).end(readFileSync(`${pageDir}${file}`))
      return
    }
    if (!route.startsWith('api/')) throw new HttpError(404, 'not found')
    const mutating = method !== 'GET' && method !== 'HEAD'
    checkToken(req, url, mutating)
    const parts = route.slice('api/'.length).split('/')
    if (method === 'GET' && parts[0] === 'events' && parts.length === 1) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
      res.write(`event: forced\ndata: ${JSON.stringify({ forced })}\n\n`)
      events.add(res)
      req.on('close', () => events.delete(res))
      return
    }
    if (method === 'GET' && parts[0] === 'state' && parts.length === 1) {
      json(res, 200, {
        forced,
        forward: forwardBase?.href ?? null,
        providers: [...secretsOf.keys()],
        dir: store.dir,
        url: `http://${req.headers.host}`,
      })
      return
    }
    if (parts[0] === 'forced' && parts.length === 1 && method === 'POST') {
      const input = JSON.parse((await readBody(req, 4096)).toString('utf8') || '{}') as { answer?: unknown }
      const answer = input.answer
      if (
        !(answer === null || answer === 'timeout' || (Number.isInteger(answer) && (answer as number) >= 200 && (answer as number) <= 599))
      ) {
        throw new HttpError(400, 'answer must be null, "timeout" or a status from 200 to 599')
      }
      setForced(answer as ForcedAnswer)
      json(res, 200, { forced })
      return
    }
    if (parts[0] !== 'deliveries') throw new HttpError(404, 'not found')
    if (parts.length === 1 && method === 'GET') {
      json(res, 200, store.list().map(summary))
      return
    }
    const r = store.get(parts[1] ?? '')
    if (r === undefined) throw new HttpError(404, `no delivery ${parts[1]}`)
    if (parts.length === 2 && method === 'GET') {
      json(res, 200, detail(r))
      return
    }
    if (parts.length === 3 && parts[2] === 'curl' && method === 'POST') {
      const target = forwardBase === undefined ? `http://${req.headers.host}${r.path}` : forwardUrl(r.path)
      json(res, 200, { curl: curlCommand(target, r.method, r.rawHeaders, store.body(r.id) ?? Buffer.alloc(0)) })
      return
    }
    if (parts.length === 3 && parts[2] === 'replay' && method === 'POST') {
      const input = JSON.parse((await readBody(req, 4096)).toString('utf8') || '{}') as { kind?: ReplayKind }
      const records = await replay(r.id, input.kind ?? 'exact')
      json(res, 200, records.map(summary))
      return
    }
    throw new HttpError(404, 'not found')
  }

  async function receive(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const body = await readBody(req, DEFAULT_BODY_LIMIT)
    const answer = forced
    const record = await capture({ method: req.method ?? 'POST', path, rawHeaders: [...req.rawHeaders], body, source: 'vendor' })
    if (answer === 'timeout') {
      // the vendor waits until its own timeout, as with an app that hangs
      held.add(res)
      res.on('close', () => held.delete(res))
      store.update(record.id, { answered: 'timeout', forced: true })
      changed(record)
      return
    }
    let status: number
    if (answer !== null) {
      status = answer
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ forcedByHookproofDev: status }))
    } else if (record.app?.status !== undefined) {
      status = record.app.status
      const keep: Record<string, string> = {}
      for (const name of ['content-type', 'retry-after']) {
        const value = record.app.headers[name]
        if (value !== undefined) keep[name] = value
      }
      res.writeHead(status, keep).end(record.app.body)
    } else if (record.app !== undefined) {
      status = 502
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`hookproof dev: the app did not answer (${record.app.error})\n`)
    } else if (record.verdict.ok) {
      status = 202
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"received":true}')
    } else {
      status = record.verdict.status
      const v = record.verdict
      res
        .writeHead(status, { 'content-type': 'application/problem+json' })
        .end(JSON.stringify({ type: 'about:blank', title: 'Webhook rejected by hookproof dev', status, code: v.code, detail: v.message }))
    }
    store.update(record.id, { answered: status, forced: answer !== null })
    changed(record)
  }

  function setForced(answer: ForcedAnswer): void {
    forced = answer
    broadcast('forced', { forced })
    log(`vendor answer: ${answer === null ? "the app's status" : answer}`)
  }

  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const isPage = url.pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')
      if (isPage || url.pathname.startsWith(DEV_PREFIX)) {
        // DNS rebinding: a foreign name resolving to 127.0.0.1 must not reach the page or its API
        if (hosts !== undefined && !hosts.has(req.headers.host ?? '')) throw new HttpError(421, 'unexpected Host header')
        if (isPage) {
          const page = readFileSync(`${pageDir}index.html`, 'utf8').replace('__HOOKPROOF_TOKEN__', token)
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...PAGE_HEADERS }).end(page)
          return
        }
        await api(req, res, url)
        return
      }
      // browsers ask for it on their own: not a delivery
      if (url.pathname === '/favicon.ico' && req.method === 'GET') throw new HttpError(404, 'not found')
      await receive(req, res, req.url ?? '/')
    } catch (error) {
      const status = error instanceof HttpError ? error.status : error instanceof SyntaxError ? 400 : 500
      if (!(error instanceof HttpError)) log(`hookproof dev: ${error instanceof Error ? error.message : String(error)}`)
      if (!res.headersSent) json(res, status, { error: error instanceof Error ? error.message : String(error) })
      else res.end()
    }
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 4400, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  hosts = allowedHosts(host, port)
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host

  return {
    url: `http://${shown}:${port}`,
    port,
    token,
    store,
    get forced() {
      return forced
    },
    setForced,
    replay,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of [...events, ...held]) res.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
