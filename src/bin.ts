#!/usr/bin/env node
import { hideBin } from 'yargs/helpers';
import { main } from './cli.js';

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`dockerfile-argfix: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
