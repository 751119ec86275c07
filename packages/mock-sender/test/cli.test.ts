// The CLI as a user runs it: a real process (`node --import tsx src/cli/hookproof-send.ts`) against a real receiver.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAULT_NAMES } from '../src/faults/faults.js'
import { startReceiver, TEST_SECRETS, type TestReceiver } from './receiver.js'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const CLI = fileURLToPath(new URL('../src/cli/hookproof-send.ts', import.meta.url))

interface Run {
  code: number
  stdout: string
  stderr: string
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args],
      { cwd: ROOT, env: { ...process.env, ...env, NO_COLOR: '1' }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, stdout, stderr })
      },
    )
  })
}

let receiver: TestReceiver
beforeAll(async () => {
  receiver = await startReceiver()
})
afterAll(() => receiver.close())

const orchest = () => ['orchest', '--url', `${receiver.url}/webhooks/orchest`, '--secret', TEST_SECRETS.orchest.current]

describe('hookproof-send as a process', { timeout: 30_000 }, () => {
  it('--help prints usage with examples and exits 0', async () => {
    const r = await cli(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^hookproof-send: send signed webhook deliveries/)
    expect(r.stdout).toMatch(/Usage:\n {2}hookproof-send <provider> --url <url> --secret <secret>/)
    expect(r.stdout).toMatch(/Examples:\n {2}hookproof-send orchest --url http/)
    expect(r.stdout).toMatch(/hookproof-send conformance orchest/)
    expect(r.stdout).toMatch(/Exit codes: 0 .* 1 some did not; 2 bad usage or the URL cannot be reached/s)
  })

  it('a valid delivery answered 2xx exits 0 with a summary table', async () => {
    const before = receiver.handled()
    const r = await cli(orchest())
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^case +deliveries +requests +expected +answers +as expected$/m)
    expect(r.stdout).toMatch(/^valid +1 +1 +2xx +202 +1\/1$/m)
    expect(r.stdout).toMatch(/orchest: every delivery got the expected answer/)
    expect(receiver.handled()).toBe(before + 1)
  })

  it('a fault the receiver rejects correctly exits 0', async () => {
    const r = await cli([...orchest(), '--fault', 'reserialized-body'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^reserialized-body +1 +1 +4xx SIGNATURE_MISMATCH +401 SIGNATURE_MISMATCH +1\/1$/m)
  })

  it('a delivery the receiver rejects (wrong secret on our side) exits 1 and says what came back', async () => {
    const r = await cli(['orchest', '--url', `${receiver.url}/webhooks/orchest`, '--secret', 'not-the-secret'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/not as expected: valid: expected 2xx, got 401 SIGNATURE_MISMATCH/)
    expect(r.stdout).toMatch(/1 of 1 deliveries did not get the expected answer/)
  })

  it('--repeat with --concurrency sends distinct deliveries and --progress reports on stderr', async () => {
    const before = receiver.handled()
    const r = await cli([...orchest(), '--fault', 'concurrent-duplicate', '--repeat', '6', '--concurrency', '3', '--progress'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^concurrent-duplicate +6 +12 +2xx \+ 2xx\/409 DUPLICATE_DELIVERY .* 6\/6$/m)
    expect(r.stderr).toMatch(/progress: 6\/6 done, 6 as expected, 0 not\n$/)
    // six deliveries, each processed once despite its concurrent twin
    expect(receiver.handled()).toBe(before + 6)
  })

  it('--retries N retries a failing receiver with the same delivery and reports the attempts', async () => {
    receiver.recorded.length = 0
    receiver.failNext(2)
    const r = await cli([
      'orchest',
      '--url',
      `${receiver.url}/flaky`,
      '--secret',
      's',
      '--retries',
      '3',
      '--retry-delay',
      '10',
      '--progress',
    ])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('retry: attempt 1 got 503; next in 0.01 s\nretry: attempt 2 got 503; next in 0.01 s\n')
    expect(r.stdout).toMatch(/^valid +1 +1 \(3 attempts\) +2xx +204 +1\/1$/m)
    expect(receiver.recorded).toHaveLength(3)
    expect(new Set(receiver.recorded.map((x) => x.headers['x-orchest-delivery'])).size).toBe(1)
  })

  it('without --retry a failing receiver gets one attempt and the run exits 1', async () => {
    receiver.recorded.length = 0
    receiver.failNext(1)
    const r = await cli(['orchest', '--url', `${receiver.url}/flaky`, '--secret', 's'])
    expect(r.code).toBe(1)
    expect(receiver.recorded).toHaveLength(1)
    expect(r.stdout).toMatch(/not as expected: valid: expected 2xx, got 503/)
  })

  it('the secret can come from the provider variable', async () => {
    const r = await cli(['github', '--url', `${receiver.url}/webhooks/github`], { GITHUB_WEBHOOK_SECRET: TEST_SECRETS.github.current })
    expect(r.code).toBe(0)
  })

  it('an unreachable URL exits 2 and names the error', async () => {
    const r = await cli(['orchest', '--url', 'http://127.0.0.1:9/hook', '--secret', 's'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9\/hook: ECONNREFUSED/)
  })

  it('--print curl prints a runnable curl command and sends nothing', async () => {
    const before = receiver.handled()
    const r = await cli([...orchest(), '--print', 'curl', '--seed', 'cli'])
    expect(r.code).toBe(0)
    const lines = r.stdout.trimEnd().split(' \\\n')
    expect(lines[0]).toBe(`curl -sS -X POST '${receiver.url}/webhooks/orchest'`)
    expect(lines).toContain("  -H 'Content-Type: application/json'")
    expect(lines).toContain("  -H 'User-Agent: Orchest'")
    expect(lines.some((l) => /^ {2}-H 'X-Hub-Signature: [0-9a-f]{64}'$/.test(l))).toBe(true)
    expect(lines.some((l) => /^ {2}-H 'X-Orchest-Delivery: [0-9a-f-]{36}'$/.test(l))).toBe(true)
    expect(lines.at(-1)).toMatch(/^ {2}--data-binary '\{"delivered_for": \{"name": /)
    expect(receiver.handled()).toBe(before)
  })

  it('the printed curl command is accepted by the receiver when run by a shell', async () => {
    const printed = await cli([...orchest(), '--print', 'curl'])
    const run = await new Promise<Run>((resolve) =>
      execFile('sh', ['-c', `${printed.stdout.trim()} -o /dev/null -w '%{http_code}'`], (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : 1, stdout, stderr }),
      ),
    )
    if (run.code !== 0 && /not found/.test(run.stderr)) return // no curl on this machine
    expect(run.stdout).toBe('202')
  })

  it('--print http prints the request as it goes on the wire', async () => {
    const r = await cli(['y42', '--url', `${receiver.url}/webhooks/y42?x=1`, '--secret', 's', '--print', 'http', '--seed', 'cli'])
    expect(r.code).toBe(0)
    const [head, body] = r.stdout.split('\r\n\r\n') as [string, string]
    const lines = head.split('\r\n')
    expect(lines[0]).toBe('POST /webhooks/y42?x=1 HTTP/1.1')
    expect(lines[1]).toBe(`Host: ${new URL(receiver.url).host}`)
    expect(lines).toContain('Content-Type: application/json')
    expect(lines.some((l) => /^X-Y42-Signature: sha256=[0-9a-f]{64}$/i.test(l))).toBe(true)
    expect(lines).toContain(`Content-Length: ${Buffer.byteLength(body.replace(/\n$/, ''))}`)
  })

  it('--list faults lists every fault name', async () => {
    const r = await cli(['--list', 'faults'])
    expect(r.code).toBe(0)
    for (const name of FAULT_NAMES) expect(r.stdout).toMatch(new RegExp(`^${name} `, 'm'))
  })

  it('conformance against a correct receiver exits 0 and prints the per-case table', async () => {
    const r = await cli([
      'conformance',
      'up42',
      '--url',
      `${receiver.url}/webhooks/up42`,
      '--secret',
      TEST_SECRETS.up42.current,
      '--previous-secret',
      TEST_SECRETS.up42.previous,
      '--counter-url',
      `${receiver.url}/handled`,
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^case +expected +actual +handler runs +result$/m)
    expect(r.stdout).toMatch(/^stale-timestamp +4xx TIMESTAMP_TOO_OLD +401 TIMESTAMP_TOO_OLD +0\/0 +ok$/m)
    expect(r.stdout).toMatch(/^duplicate +2xx, then 2xx DUPLICATE_DELIVERY +202, then 200 DUPLICATE_DELIVERY +1\/1 +ok$/m)
    expect(r.stdout).toMatch(/all 11 cases behaved as a correct receiver should/)
  })

  it('conformance against the wrong route exits 1', async () => {
    const r = await cli(['conformance', 'github', '--url', `${receiver.url}/webhooks/y42`, '--secret', TEST_SECRETS.github.current])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^valid +2xx +401 MISSING_SIGNATURE +n\/a +FAIL: rejected a delivery it must accept$/m)
  })

  it('conformance with a counter URL answering 404 reports it and runs the cases uncounted', async () => {
    const before = receiver.handled()
    const r = await cli([
      'conformance',
      'github',
      '--url',
      `${receiver.url}/webhooks/github`,
      '--secret',
      TEST_SECRETS.github.current,
      '--counter-url',
      `${receiver.url}/nothing`,
    ])
    // hookproof's DUPLICATE_DELIVERY code shows the copies were recognised: judged all the same
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/counter URL .*nothing answered 404/)
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/) // a message, not a stack
    expect(r.stdout).toMatch(/^counter URL not read, handler runs not observed: counter URL .*nothing answered 404/m)
    expect(r.stdout).toMatch(/^duplicate +.* +n\/a +ok$/m)
    // the cases were sent all the same: valid and the two duplicate cases each ran the handler once
    expect(receiver.handled()).toBe(before + 3)
  })

  it('conformance against an unreachable URL exits 2', async () => {
    const r = await cli(['conformance', 'github', '--url', 'http://127.0.0.1:9/', '--secret', 's'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/cannot reach .*ECONNREFUSED/)
  })
})

// no receiver involved: these run side by side
describe.concurrent('hookproof-send bad usage', { timeout: 30_000 }, () => {
  it.each([
    [['orchest', '--url', 'http://x/', '--secret', 's', '--bogus'], /unknown option --bogus\n/],
    [['orchest', '--ur', 'http://x/', '--secret', 's'], /unknown option --ur: did you mean --url\?/],
    [['orchest', '--url', 'http://x/', '--sercet', 's'], /unknown option --sercet: did you mean --secret\?/],
    [['conformance', 'orchest', '--url', 'http://x/', '--secret', 's', '--counter'], /did you mean --counter-url\?/],
    [['orchest', '--url', 'localhost:3000', '--secret', 's'], /--url needs a scheme: add http:\/\/ \(--url http:\/\/localhost:3000\)/],
    [
      ['orchest', '--url', '127.0.0.1:3000/webhooks/orchest', '--secret', 's'],
      /add http:\/\/ \(--url http:\/\/127\.0\.0\.1:3000\/webhooks\/orchest\)/,
    ],
    [['orchest', '--url', 'http://x/', '--secret', 's', '--method', 'GET'], /--method applies to designer-cloud only/],
    [
      ['designer-cloud', '--url', 'http://x/', '--secret', 's', '--method', 'TRACE'],
      /--method takes POST, PUT, PATCH, GET, DELETE, got TRACE/,
    ],
    [['nope', '--url', 'http://x/', '--secret', 's'], /unknown provider "nope"/],
    [['orchest', '--secret', 's'], /--url is required/],
    [['orchest', '--url', 'http://x/'], /--secret is required \(or set ORCHEST_WEBHOOK_SECRET\)/],
    [['orchest', '--url', 'http://x/', '--secret', 's', '--fault', 'nope'], /unknown fault "nope"/],
    [['orchest', '--url', 'http://x/', '--secret', 's', '--fault', 'stale-timestamp'], /does not apply to orchest/],
    [['orchest', '--url', 'http://x/', '--secret', 's', '--repeat', '0'], /--repeat must be a positive integer/],
    [['y42', '--url', 'http://x/', '--secret', 's', '--retry', 'vendor'], /y42 publishes no retry policy; pass --retries N/],
    [['orchest', '--url', 'ftp://x/', '--secret', 's'], /--url must be http:\/\/ or https:\/\/, got ftp:/],
    [[], /a provider is required/],
  ])('bad usage %j exits 2 with a clear message', async (args, message) => {
    const r = await cli(args)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr).toMatch(/Run hookproof-send --help for usage\./)
  })
})
