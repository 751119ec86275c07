// The sending side of a compiled scheme (scheme.ts): the headers a sender attaches. Loaded with
// the first `sign`, so a Worker that only verifies bundles none of it.
import { bytesToBase64, bytesToHex } from './encoding.js'
import type { SignInput, SignTools } from './provider.js'
import type { Plan } from './scheme.js'

/**
 * @internal The headers a sender attaches to `input.body` under `plan`: the MAC in the row's
 * grammar, with the signed timestamp and delivery id where the scheme has them.
 *
 * @example
 * const headers = await signWith(plan, { secret, body, now: 1_700_000_000_000 }, tools)
 */
export async function signWith(plan: Plan, input: SignInput, tools: SignTools): Promise<Record<string, string>> {
  const { spec, spell, idHeaders, tsHeaders, unit } = plan
  const sig = spec.signature
  const now = input.now ?? Date.now()
  const ts = unit === undefined ? undefined : String(Math.floor(unit === 'ms' ? now : now / 1000))
  const idSpec = spec.id
  const id =
    plan.idSigned && idSpec !== undefined && 'header' in idSpec ? (input.id ?? idSpec.generate?.(now) ?? String(Math.floor(now))) : input.id
  const url = plan.methods?.has((input.method ?? 'POST').toUpperCase()) === true
  const parts = url ? (plan.methodParts as NonNullable<Plan['methodParts']>) : plan.parts
  const mac = await tools.hmac(plan.hash, parts({ body: input.body, timestamp: ts, id, url: input.url ?? '' }))
  const digest = plan.encoding === 'hex' ? (sig.hexCase === 'upper' ? bytesToHex(mac).toUpperCase() : bytesToHex(mac)) : bytesToBase64(mac)
  const out: Record<string, string> = {}
  if (plan.idSigned && idHeaders !== undefined && id !== undefined) out[spell(idHeaders[0] as string)] = id
  if (tsHeaders !== undefined && ts !== undefined) out[spell(tsHeaders[0] as string)] = ts
  out[plan.display] = plan.grammar.value(sig, digest, ts)
  if (!plan.idSigned && idHeaders !== undefined && input.id !== undefined) out[spell(idHeaders[0] as string)] = input.id
  const event = spec.eventFrom
  if (event !== undefined && 'header' in event && input.event !== undefined) out[spell(event.header)] = input.event
  return out
}
