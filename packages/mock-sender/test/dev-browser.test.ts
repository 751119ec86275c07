/**
 * The inspector page in a real browser: Debian's chromium, driven by playwright-core (which
 * downloads nothing). Deliveries come from `hookproof send`; the page is read by role and name.
 * Under CI=true a missing chromium fails; elsewhere the suite is skipped with the install command.
 * HOOKPROOF_SCREENSHOT=1 writes the screenshot to docs/inspector.png (the README's picture).
 */
import { createHmac } from 'node:crypto'
import { existsSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runHookproof } from '../src/cli/run.js'
import { signDelivery } from '../src/sign.js'
import { orchestEvent } from '../src/vendors/orchest.js'
import { fakeClock, send } from '../src/wire/send.js'
import { DEV_SECRETS, endToEndPairs, startApp, startDev, type TestApp, type TestDev } from './dev-support.js'

const CHROMIUM = process.env.HOOKPROOF_CHROMIUM ?? '/usr/bin/chromium'
const INSTALL = 'apt-get install -y chromium'
const haveChromium = existsSync(CHROMIUM)
const skip = !haveChromium && process.env.CI !== 'true'
if (skip) {
  console.warn(`\n*** dev-browser.test.ts SKIPPED: no chromium at ${CHROMIUM}. Install it: ${INSTALL} ***\n`)
}

let browser: Browser
let page: Page
let app: TestApp
let t: TestDev

/** `hookproof send ...` in-process; resolves to the exit code and what it printed. */
async function hookproof(args: string[]): Promise<{ code: number; out: string }> {
  let out = ''
  const sink = { write: (s: string) => (out += s) }
  const code = await runHookproof(args, { stdout: sink, stderr: sink, env: {} })
  return { code, out }
}

const row = (id: number) => page.getByRole('row').filter({ has: page.getByRole('button', { name: `Open delivery ${id}`, exact: true }) })

describe.skipIf(skip)('hookproof dev in a browser', () => {
  beforeAll(async () => {
    if (!haveChromium) throw new Error(`no chromium at ${CHROMIUM} (CI=true): ${INSTALL}`)
    app = await startApp()
    // the app verifies like a correct receiver: 202 or 401, with the test's own HMAC oracle
    app.answer = (r) => {
      const sent = endToEndPairs(r.rawHeaders).find(([n]) => n.toLowerCase() === 'x-hub-signature')?.[1]
      return sent === createHmac('sha256', DEV_SECRETS.orchest).update(r.body).digest('hex') ? 202 : 401
    }
    t = await startDev({ forward: `${app.url}/webhooks` })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    // a missing element fails fast, naming the locator, instead of at the test timeout
    page.setDefaultTimeout(5000)
    page.on('pageerror', (error) => console.error('page error:', error.message))
    await page.goto(`${t.dev.url}/`)
    await page.locator('body[data-ready="true"]').waitFor()
  }, 30_000)

  afterAll(async () => {
    await browser?.close()
    await t?.cleanup()
    await app?.close()
  })

  it('shows deliveries live with their verdicts, hints for the tampered one, and replays byte-exact', async () => {
    const url = `${t.dev.url}/orchest`
    const secret = DEV_SECRETS.orchest
    const event = 'project:one-off-job:pipeline-run:failed'
    expect((await hookproof(['send', 'orchest', '--url', url, '--secret', secret, '--event', event, '--seed', 'b1'])).code).toBe(0)
    const tampered = await hookproof(['send', 'orchest', '--url', url, '--secret', secret, '--event', event, '--fault', 'tampered-body'])
    expect(tampered.code).toBe(0) // the app answered 401 SIGNATURE_MISMATCH, as the fault calls for

    // live: both rows arrive over Server-Sent Events, without a reload
    await row(1).filter({ hasText: 'verified' }).waitFor()
    await row(2).filter({ hasText: 'rejected SIGNATURE_MISMATCH' }).waitFor()
    expect(await row(1).textContent()).toContain(event)
    expect(await row(2).textContent()).toContain('401')
    const headers = await page.getByRole('table', { name: 'Deliveries' }).getByRole('columnheader').allTextContents()
    expect(headers).toEqual(['#', 'Time', 'Provider', 'Event', 'Delivery id', 'Verdict', 'App', 'Vendor got'])

    // the detail view of the tampered one: verdict, explain() hints, redacted signature
    await page.getByRole('button', { name: 'Open delivery 2', exact: true }).click()
    await page.getByRole('heading', { name: 'Delivery 2: POST /orchest' }).waitFor()
    const hints = page.getByRole('list', { name: 'Hints' }).getByRole('listitem')
    await hints.first().waitFor()
    expect((await hints.allTextContents()).join('\n')).toMatch(/secret/)
    expect(await page.locator('#detail-verdict').textContent()).toContain('Rejected: SIGNATURE_MISMATCH')
    const signatureRow = page.getByRole('table', { name: 'Headers' }).getByRole('row').filter({ hasText: 'X-Hub-Signature' })
    expect(await signatureRow.textContent()).toContain('[redacted: 64 characters]')
    expect(await page.getByRole('button', { name: 'Replay with stale timestamp' }).isDisabled()).toBe(true) // Orchest signs no time

    const shot = process.env.HOOKPROOF_SCREENSHOT === '1'
    const docs = fileURLToPath(new URL('../docs/', import.meta.url))
    if (shot) mkdirSync(docs, { recursive: true })
    const path = shot ? join(docs, 'inspector.png') : join(tmpdir(), `hookproof-inspector-${process.pid}.png`)
    expect((await page.screenshot({ path, fullPage: true })).length).toBeGreaterThan(10_000)

    // Replay the valid one: the app receives the identical bytes again
    await page.getByRole('button', { name: 'Open delivery 1', exact: true }).click()
    await page.getByRole('heading', { name: 'Delivery 1: POST /orchest' }).waitFor()
    const before = app.requests.length
    await page.getByRole('button', { name: 'Replay', exact: true }).click()
    await page.getByRole('status').filter({ hasText: 'Replay: sent as #3' }).waitFor()
    await row(3).filter({ hasText: 'replay of #1' }).waitFor()
    expect(app.requests.length).toBe(before + 1)
    const [first, again] = [app.requests[0], app.requests.at(-1)]
    expect(again?.body.equals(first?.body as Buffer)).toBe(true)
    expect(endToEndPairs(again?.rawHeaders ?? [])).toEqual(endToEndPairs(first?.rawHeaders ?? []))
    expect(again?.url).toBe('/webhooks/orchest')

    // Replay as a fault: the mock sender's tampered body, verified again as a new row
    await page.getByRole('button', { name: 'Replay with tampered body' }).click()
    await row(4).filter({ hasText: 'tampered-body of #1' }).filter({ hasText: 'rejected SIGNATURE_MISMATCH' }).waitFor()
    expect(app.requests.at(-1)?.body.equals(first?.body as Buffer)).toBe(false)

    await page.getByRole('button', { name: 'Copy as curl' }).click()
    await page
      .locator('#curl-output')
      .filter({ hasText: `curl -sS -X POST '${app.url}/webhooks/orchest'` })
      .waitFor()
  }, 30_000)

  it('the forced-500 switch makes the vendor retry', async () => {
    const url = `${t.dev.url}/orchest`
    await page.getByRole('button', { name: 'Force 500' }).click()
    await page.locator('#forced-status').filter({ hasText: 'The vendor gets 500 (forced)' }).waitFor()
    expect(await page.getByRole('button', { name: 'Force 500' }).getAttribute('aria-pressed')).toBe('true')
    expect(t.dev.forced).toBe(500)

    // the library sender with Orchest's policy on a fake clock: 2 s, 4 s waits take no time
    const signed = await signDelivery(orchestEvent({ seed: 'browser-forced' }), { secret: DEV_SECRETS.orchest })
    const clock = fakeClock(Date.now())
    const result = await send(signed, { url, retry: 'vendor', maxAttempts: 3, clock })
    expect(result.attempts.map((a) => a.status)).toEqual([500, 500, 500])
    expect(clock.sleeps).toEqual([2000, 4000])
    const id = t.dev.store.list().at(-1)?.id as string
    await row(Number(id)).filter({ hasText: '500 (forced)' }).waitFor()

    // the CLI: every retry (same delivery id, same bytes) gets 500 too
    const before = app.requests.length
    const cli = await hookproof(['send', 'orchest', '--url', url, '--secret', DEV_SECRETS.orchest, '--retries', '2', '--retry-delay', '1'])
    expect(cli.code).toBe(1)
    expect(cli.out).toMatch(/1 \(3 attempts\)/)
    expect(app.requests.length).toBe(before + 3)

    await page.getByRole('button', { name: "The app's status" }).click()
    await page.locator('#forced-status').filter({ hasText: "The vendor gets the app's status." }).waitFor()
    expect((await send(signed, { url })).attempts[0]?.status).toBe(202)
  }, 30_000)
})
