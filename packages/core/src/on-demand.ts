// Everything that not every request needs, as one module that is only ever imported dynamically:
// explain() hints, the rejection log line, a replay-store claim, the sending side of a scheme, the
// form reader. Callers reach it through on-demand-load.ts, which keeps the loaded module for all of
// them (`onDemand !== undefined ? onDemand.f() : loadOnDemand().then((m) => m.f())`), so only the
// first use waits for it.
//
// One module, not one per feature: a bundler that splits (esbuild, Vite) puts the code a lazy chunk
// shares with the start bundle into shared chunks, one per set of lazy chunks that share it, and each
// start chunk costs its own gzip and import overhead. With one lazy entry there is one shared chunk,
// and it stays small because these files import nothing of the start bundle but failure.ts,
// encoding.ts, maybe.ts and header-values.ts (a module both sides import is shared whole).
// Nothing reachable from an entry may import these files statically: a bundler that splits by file
// would then load the whole file at start (test/bundle-start.test.ts holds both rules).
export { claim } from './claim.js'
export { diagnose } from './hints.js'
export { logRejected } from './log-rejected.js'
export { formFields } from './payload-form.js'
export { signWith } from './scheme-sign.js'
