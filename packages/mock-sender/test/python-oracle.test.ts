import { spawnSync } from 'node:child_process'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bodyText } from '../src/delivery.js'
import { pyJson } from '../src/formats/python-json.js'
import { ORCHEST_EVENT_TYPES, orchestEvent } from '../src/vendors/orchest.js'

// CPython itself as the oracle, when this machine has it: json.dumps(json.loads(body)) must give
// back the body byte for byte (json.loads keeps key order, so any spacing, escaping or float
// difference shows). Skipped without python3; the hand-written literals elsewhere still run.
const hasPython = spawnSync('python3', ['--version']).status === 0

const ORACLE = `
import json, sys
from urllib.parse import parse_qsl, urlencode
out = []
form = sys.argv[1] == 'orchest'
for b in json.load(sys.stdin):
    if not form or b.startswith('{'):
        out.append(json.dumps(json.loads(b)))
    else:
        out.append(urlencode([(k, json.dumps(json.loads(v))) for k, v in parse_qsl(b, keep_blank_values=True)]))
json.dump(out, sys.stdout)
`

function python(bodies: string[], kind: 'orchest' | 'json'): string[] {
  const run = spawnSync('python3', ['-c', ORACLE, kind], { input: JSON.stringify(bodies), encoding: 'utf8' })
  if (run.status !== 0) throw new Error(run.stderr)
  return JSON.parse(run.stdout)
}

describe.skipIf(!hasPython)('CPython json.dumps as oracle', () => {
  it('re-dumps every Orchest event type, JSON and form, to the same bytes', () => {
    const bodies = ORCHEST_EVENT_TYPES.flatMap((type) => [
      bodyText(orchestEvent({ type, seed: type, projectName: 'Café ☕ 😀 "q" \\ \n\u0001' })),
      bodyText(orchestEvent({ type, seed: type, contentType: 'application/x-www-form-urlencoded', projectName: "a b!'()*~" })),
    ])
    expect(python(bodies, 'orchest')).toEqual(bodies)
  })

  it('re-dumps arbitrary JSON values to the same bytes', () => {
    const samples = fc.sample(fc.jsonValue(), { numRuns: 300, seed: 20261125 }).map((v) => pyJson(v))
    expect(python(samples, 'json')).toEqual(samples)
  })
})
