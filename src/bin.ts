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
