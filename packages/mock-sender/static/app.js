// hookproof dev: the inspector page. Plain DOM, no framework, no build step. Every value from a
// delivery is attacker-controllable: it goes into the page as textContent only, never as HTML.
const token = document.querySelector('meta[name="hookproof-token"]').content
const $ = (id) => document.getElementById(id)
const rows = new Map()
let current
let state = {}

async function api(path, init = {}) {
  const response = await fetch(`/_hookproof/api/${path}`, {
    ...init,
    headers: { 'x-hookproof-token': token, 'content-type': 'application/json', ...init.headers },
  })
  const body = await response.json().catch(() => ({}))
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`)
  return body
}

function el(tag, text, className) {
  const node = document.createElement(tag)
  if (text !== undefined && text !== null) node.textContent = String(text)
  if (className) node.className = className
  return node
}

function time(ms) {
  const d = new Date(ms)
  const pad = (n, w = 2) => String(n).padStart(w, '0')
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

function verdictText(s) {
  return s.ok ? 'verified' : `rejected ${s.code}`
}

function appText(s) {
  if (s.appStatus !== null) return String(s.appStatus)
  if (s.appError !== null) return `no answer (${s.appError})`
  return state.forward ? '…' : 'not forwarded'
}

function vendorText(s) {
  if (s.source !== 'vendor') return `${s.source.replace('exact', 'replay')} of #${s.replayOf}`
  if (s.answered === null) return '…'
  const text = s.answered === 'timeout' ? 'no answer (timeout)' : String(s.answered)
  return s.forced ? `${text} (forced)` : text
}

const revisions = new Map()

function renderRow(s) {
  // the list and the live events can cross: never let an older copy overwrite a newer one
  if ((revisions.get(s.id) ?? -1) > s.revision) return
  revisions.set(s.id, s.revision)
  let tr = rows.get(s.id)
  if (!tr) {
    tr = document.createElement('tr')
    tr.dataset.id = s.id
    rows.set(s.id, tr)
    const body = $('deliveries').tBodies[0]
    // newest first
    const after = [...body.rows].find((r) => Number(r.dataset.id) < Number(s.id))
    body.insertBefore(tr, after ?? null)
  }
  tr.replaceChildren()
  const idCell = el('td', undefined, 'id')
  const open = el('button', s.id)
  open.type = 'button'
  open.setAttribute('aria-label', `Open delivery ${s.id}`)
  open.addEventListener('click', () => showDetail(s.id))
  idCell.append(open)
  tr.append(
    idCell,
    el('td', time(s.receivedAt), 'mono'),
    el('td', s.provider ?? '?'),
    el('td', s.event ?? ''),
    el('td', s.deliveryId ?? '', 'mono'),
    el('td', verdictText(s), s.ok ? 'ok' : 'bad'),
    el('td', appText(s), s.appStatus !== null && s.appStatus < 300 ? 'ok' : s.appStatus !== null ? 'bad' : 'muted'),
    el('td', vendorText(s), 'muted'),
  )
  tr.classList.toggle('selected', s.id === current)
  $('empty').hidden = rows.size > 0
}

function pretty(text, headers) {
  const type = (headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '').toLowerCase()
  if (text === '') return '(empty body)'
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {}
  if (type.includes('x-www-form-urlencoded')) {
    const lines = []
    for (const [key, value] of new URLSearchParams(text)) {
      let shown = value
      try {
        shown = JSON.stringify(JSON.parse(value), null, 2)
      } catch {}
      lines.push(`${key} = ${shown}`)
    }
    return lines.join('\n')
  }
  return text
}

async function showDetail(id) {
  current = id
  for (const [rid, tr] of rows) tr.classList.toggle('selected', rid === id)
  const d = await api(`deliveries/${encodeURIComponent(id)}`)
  if (current !== id) return
  $('detail').hidden = false
  $('detail-title').textContent = `Delivery ${d.id}: ${d.method} ${d.path}`
  const v = d.verdict
  const verdict = $('detail-verdict')
  verdict.replaceChildren()
  if (v.ok) {
    verdict.append(
      el('span', 'Verified', 'ok'),
      el(
        'span',
        ` as ${v.provider}${v.secretIndex > 0 ? ' with the previous secret' : ''}${v.bodyAuthenticated ? '' : ' (the body is not authenticated)'}${v.timestamp ? `, signed at ${new Date(v.timestamp).toISOString()}` : ''}`,
      ),
    )
  } else {
    verdict.append(el('span', `Rejected: ${v.code}`, 'bad'), el('span', ` (${v.status}) ${v.message}`))
  }
  const hints = $('hints-list')
  hints.replaceChildren(...(v.ok ? [] : v.hints).map((h) => el('li', h)))
  $('detail-hints').hidden = v.ok || v.hints.length === 0
  $('detail-covered').textContent = d.covered
    ? d.covered.length === 0
      ? 'Nothing: the signature does not authenticate this request.'
      : `${d.covered.join(', ')} (anything else could have been changed in transit). ${d.coverage ?? ''}`
    : (d.coverage ?? 'Unknown provider.')
  for (const button of document.querySelectorAll('[data-replay]')) {
    const can = d.replays[button.dataset.replay]
    button.disabled = can !== true
    button.title = can === true ? `Sends to ${d.forwardUrl}` : can
  }
  $('curl-output').hidden = true
  $('action-status').textContent = ''
  if (d.app) {
    $('detail-app').textContent =
      d.app.status !== undefined
        ? `${d.app.status} in ${d.app.durationMs} ms from ${d.app.url}`
        : `No answer from ${d.app.url}: ${d.app.error}`
    $('detail-app-body').textContent = d.app.body
    $('detail-app-body').hidden = d.app.body === ''
  } else {
    $('detail-app').textContent = state.forward ? 'Waiting for the app…' : 'Not forwarded (start with --forward).'
    $('detail-app-body').hidden = true
  }
  const headerRows = d.headers.map(([name, value]) => {
    const tr = el('tr')
    tr.append(el('td', name), el('td', value))
    return tr
  })
  $('detail-headers').tBodies[0].replaceChildren(...headerRows)
  $('body-size').textContent = `${d.bodyBytes} bytes, kept byte-exact`
  $('body-raw').textContent = d.body
  $('body-pretty').textContent = pretty(d.body, d.headers)
}

for (const button of document.querySelectorAll('[data-replay]')) {
  button.addEventListener('click', async () => {
    if (current === undefined) return
    const status = $('action-status')
    status.textContent = `${button.textContent}…`
    try {
      const made = await api(`deliveries/${encodeURIComponent(current)}/replay`, {
        method: 'POST',
        body: JSON.stringify({ kind: button.dataset.replay }),
      })
      for (const s of made) renderRow(s)
      status.textContent = `${button.textContent}: sent as ${made.map((s) => `#${s.id} (app answered ${appText(s)})`).join(', ')}`
    } catch (error) {
      status.textContent = `${button.textContent} failed: ${error.message}`
    }
  })
}

$('copy-curl').addEventListener('click', async () => {
  if (current === undefined) return
  const status = $('action-status')
  try {
    const { curl } = await api(`deliveries/${encodeURIComponent(current)}/curl`, { method: 'POST', body: '{}' })
    $('curl-output').textContent = curl
    $('curl-output').hidden = false
    try {
      await navigator.clipboard.writeText(curl)
      status.textContent = 'Copied the curl command (it carries the real signature headers).'
    } catch {
      status.textContent = 'The curl command is shown below (the clipboard is not available).'
    }
  } catch (error) {
    status.textContent = `Copy as curl failed: ${error.message}`
  }
})

function showForced(forced) {
  state.forced = forced
  for (const button of document.querySelectorAll('[data-answer]')) {
    const value = button.dataset.answer
    const pressed = forced === null ? value === 'app' : String(forced) === value
    button.setAttribute('aria-pressed', String(pressed))
  }
  $('forced-status').textContent =
    forced === null
      ? "The vendor gets the app's status."
      : forced === 'timeout'
        ? 'The vendor gets no answer at all (it times out and retries).'
        : `The vendor gets ${forced} (forced), whatever the app answers.`
}

for (const button of document.querySelectorAll('[data-answer]')) {
  button.addEventListener('click', async () => {
    const value = button.dataset.answer
    const answer = value === 'app' ? null : value === 'timeout' ? 'timeout' : Number(value)
    try {
      const result = await api('forced', { method: 'POST', body: JSON.stringify({ answer }) })
      showForced(result.forced)
    } catch (error) {
      $('forced-status').textContent = `Could not change the answer: ${error.message}`
    }
  })
}

async function start() {
  state = await api('state')
  const providers = state.providers.length === 0 ? 'no secret configured' : `secrets for ${state.providers.join(', ')}`
  $('where').textContent =
    `Receiving at ${state.url}/<provider> (${providers}); ${state.forward ? `forwarding to ${state.forward}` : 'not forwarding'}; kept in ${state.dir}`
  const example = state.providers[0] ?? 'orchest'
  $('example-send').textContent = `hookproof send ${example} --url ${state.url}/${example} --secret <secret> --fault tampered-body`
  showForced(state.forced)
  // subscribe first, then read the list: a delivery arriving in between is in one or the other
  const events = new EventSource(`/_hookproof/api/events?token=${encodeURIComponent(token)}`)
  events.addEventListener('delivery', (event) => {
    const s = JSON.parse(event.data)
    renderRow(s)
    if (s.id === current) showDetail(s.id).catch(() => {})
  })
  events.addEventListener('forced', (event) => showForced(JSON.parse(event.data).forced))
  await new Promise((resolve) => events.addEventListener('open', resolve, { once: true }))
  for (const s of await api('deliveries')) renderRow(s)
  document.body.dataset.ready = 'true'
}

start().catch((error) => {
  $('where').textContent = `Could not load: ${error.message}`
})
