#!/usr/bin/env node
// SIGINT/SIGTERM stop the run between two files: every file is left either as it was or fully written. The
// handlers go in before anything else loads, so there is no moment at which a signal kills a write midway.
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
