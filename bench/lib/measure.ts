/**
 * Ratios measured back to back. The machine is shared, so absolute times drift; a ratio of two
 * contenders timed one right after the other in the same round does not drift much. Every round
 * times all contenders (in a rotated order, so none is always first after a pause) and yields
 * one ratio per contender; the report gives the median ratio and the spread over rounds.
 */
import { measure } from 'mitata'

export type Fn = () => unknown

export interface Timing {
  /** Median time per operation, ns (robust to a neighbour's burst). */
  p50: number
  /** Mean time per operation, ns. */
  avg: number
  p99: number
  samples: number
}

export interface Spread {
  median: number
  min: number
  max: number
  values: number[]
}

export interface CaseResult {
  name: string
  /** Per-op ns over rounds (median of the rounds' p50). */
  ns: Spread
  /** This case's p50 divided by the baseline's p50 in the same round. */
  ratio: Spread
}

export interface MeasureOptions {
  rounds: number
  /** mitata's min_cpu_time per measurement, ms. */
  cpuMs: number
  /** mitata's min_samples per measurement. */
  minSamples: number
}

export async function time(fn: Fn, cpuMs: number, minSamples = 12): Promise<Timing> {
  // small batches: a 64 KiB HMAC (~40 µs) still batches, and 4096 of them per sample would take seconds
  const s = await measure(fn, { min_cpu_time: cpuMs * 1e6, min_samples: minSamples, batch_samples: 128 })
  return { p50: s.p50, avg: s.avg, p99: s.p99, samples: s.samples.length }
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, values }
}

const validators = new WeakMap<Fn, (result: unknown) => void>()

/**
 * Registers a check of `fn`'s (awaited) result, run once before timing. The timed function stays
 * the bare call: a checking wrapper would add an async frame to one side of the ratio only.
 */
export function expecting<F extends Fn>(fn: F, validate: (result: Awaited<ReturnType<F>>) => void): F {
  validators.set(fn, validate as (result: unknown) => void)
  return fn
}

/**
 * Times every case `rounds` times; ratio = case p50 / baseline p50 within the same round.
 * Each function is called and checked once first, so a broken case fails loudly instead of
 * timing an error.
 */
export async function compare(cases: Record<string, Fn>, baseline: string, opts: MeasureOptions): Promise<CaseResult[]> {
  const names = Object.keys(cases)
  if (!names.includes(baseline)) throw new Error(`baseline ${baseline} is not a case`)
  for (const name of names) {
    const fn = cases[name] as Fn
    const result = await fn()
    validators.get(fn)?.(result)
  }
  const ns: Record<string, number[]> = {}
  const ratio: Record<string, number[]> = {}
  for (let r = 0; r < opts.rounds; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length] as string)
    const round: Record<string, Timing> = {}
    for (const name of order) round[name] = await time(cases[name] as Fn, opts.cpuMs, opts.minSamples)
    const base = (round[baseline] as Timing).p50
    for (const name of names) {
      const t = round[name] as Timing
      ;(ns[name] ??= []).push(t.p50)
      ;(ratio[name] ??= []).push(t.p50 / base)
    }
  }
  return names.map((name) => ({ name, ns: spread(ns[name] as number[]), ratio: spread(ratio[name] as number[]) }))
}

/** `1.07x (1.03-1.12)` */
export function fmtRatio(s: Spread): string {
  const f = (x: number) => x.toFixed(2)
  return s.values.length > 1 ? `${f(s.median)}x (${f(s.min)}-${f(s.max)})` : `${f(s.median)}x`
}

export function fmtNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`
  return `${ns.toFixed(0)} ns`
}

export function fmtBytes(n: number): string {
  const a = Math.abs(n)
  if (a >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(2)} MiB`
  if (a >= 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${Math.round(n)} B`
}
