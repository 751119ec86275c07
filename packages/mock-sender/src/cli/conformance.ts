/**
 * `hookproof-send conformance <provider>`: the valid case and every fault that applies, judged.
 */
import { conformance, formatReport } from '../conformance/conformance.js'
import type { MockProvider } from '../delivery.js'
import { faultsFor } from '../faults/faults.js'
import {
  type CliIo,
  checkEvent,
  checkMethod,
  checkUrl,
  EXIT_INCONCLUSIVE,
  positiveInt,
  progressLine,
  secrets,
  UsageError,
  unreachableMessage,
  type Values,
} from './common.js'

/** Runs `hookproof-send conformance <provider> ...` and resolves to its exit code. */
export async function conformanceCommand(provider: MockProvider, values: Values, io: CliIo): Promise<number> {
  const url = checkUrl(values.url, '--url')
  const counterUrl = values['counter-url'] === undefined ? undefined : checkUrl(values['counter-url'], '--counter-url')
  const { secret, previous } = secrets(provider, values, io.env)
  const event = checkEvent(provider, values.event)
  const method = checkMethod(provider, values.method)
  for (const flag of ['fault', 'repeat', 'retry', 'retries', 'print'] as const) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag} does not apply to conformance`)
  }
  const concurrency = positiveInt(values, 'concurrency', 1)
  const tolerance = values.tolerance === undefined ? undefined : positiveInt(values, 'tolerance', 300)
  const timeoutMs = values.timeout === undefined ? undefined : positiveInt(values, 'timeout', 1)
  const total = 1 + (await faultsFor(provider)).length
  const progress = progressLine(io, values.progress === true || io.stderr.isTTY === true)
  let done = 0
  let bad = 0
  let report: Awaited<ReturnType<typeof conformance>>
  try {
    report = await conformance(url, {
      provider,
      secret,
      ...(previous === undefined ? {} : { previousSecret: previous }),
      ...(event === undefined ? {} : { event }),
      ...(counterUrl === undefined ? {} : { counterUrl }),
      ...(tolerance === undefined ? {} : { toleranceSeconds: tolerance }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(values.seed === undefined ? {} : { seed: values.seed }),
      ...(method === undefined ? {} : { delivery: { method } }),
      concurrency,
      onCase: (c) => {
        done++
        if (c.verdict === 'fail') bad++
        progress.update(done, total, bad, done === total)
      },
    })
  } finally {
    progress.end()
  }
  if (report.counterError !== undefined) io.stderr.write(`hookproof-send: ${report.counterError}\n`)
  io.stdout.write(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`)
  const unreachable = unreachableMessage(
    url,
    report.cases.flatMap((c) => c.responses),
  )
  if (unreachable !== undefined && report.cases.every((c) => c.responses.every((r) => r.status === undefined))) {
    io.stderr.write(`hookproof-send: ${unreachable}\n`)
    return 2
  }
  return report.failed > 0 ? 1 : report.inconclusive > 0 ? EXIT_INCONCLUSIVE : 0
}
