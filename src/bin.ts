#!/usr/bin/env node
// SIGINT/SIGTERM stop the run between two repositories, or while a repository's files are being staged (then
// none of them is written): every file is left either as it was or fully written, every repository either as it
// was or fully fixed. The handlers go in before anything else loads, so there is no moment at which a signal kills
// a write midway (a second signal exits at once; staged temp files are removed on exit, src/fsio.ts).
const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (controller.signal.aborted) process.exit(sig === 'SIGINT' ? 130 : 143); // a second signal: stop now
    controller.abort(sig); // run() exits 128 + the signal's number (130 SIGINT, 143 SIGTERM)
  });
}

// The tool's live heap stays small (one repository's plan at a time, bounded caches; ~40 MB of it code) while it
// makes a lot of short-lived garbage, which V8 lets pile up to about four times the live size between full
// collections when they are cheap (its heap growing factor; a fleet of 10,000 Dockerfiles peaked at ~265 MB RSS
// for ~50 MB live). Growing the heap by at most HEAP_GROWING_PERCENT after each full collection bounds the peak
// (bench/: see README "Benchmark"). The CLI only: the library leaves its host's heap alone. The flag is read at
// every collection, so setting it now takes effect (measured: the same run's --trace-gc limits change).
const HEAP_GROWING_PERCENT = 50;
(await import('node:v8')).setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);

const [{ hideBin }, { defaultIo, main }] = await Promise.all([import('yargs/helpers'), import('./cli.js')]);

main(hideBin(process.argv), defaultIo, process.env, controller.signal).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`dockerfile-argfix: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
