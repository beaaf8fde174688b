#!/usr/bin/env node
/**
 * Baselines for `npm run bench`, one per child process, over the Dockerfiles listed (one path a line) in LIST:
 *   parse     dockerfile-ast: DockerfileParser.parse(text).getInstructions()       — (b)
 *   validate  dockerfile-utils: validate(text) with default settings               — (c)
 * Prints {"files", "inner_ms", "sink"} on stdout (inner_ms excludes start-up and module loading).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [mode, list] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const files = readFileSync(list, 'utf8').split('\n').filter(Boolean);
let work;
if (mode === 'parse') {
  const { DockerfileParser } = require('dockerfile-ast');
  work = (text) => DockerfileParser.parse(text).getInstructions().length;
} else if (mode === 'validate') {
  const { validate } = require('dockerfile-utils');
  work = (text) => validate(text).length;
} else {
  process.stderr.write('usage: node bench/child.mjs parse|validate LIST\n');
  process.exit(2);
}
const t0 = performance.now();
let sink = 0;
for (const f of files) sink += work(readFileSync(f, 'utf8'));
process.stdout.write(JSON.stringify({ files: files.length, inner_ms: performance.now() - t0, sink }) + '\n');
