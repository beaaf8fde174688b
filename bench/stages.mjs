#!/usr/bin/env node
/**
 * Scaling of one Dockerfile with N stages through dist/src/engine.js fixDockerfile(), in-process.
 *   node bench/stages.mjs [N ...] [--runs R] [--warmup W]     (default: 50 500 5000)
 * Used by bench/run.mjs (measureStages) and on its own, e.g. under `node --cpu-prof bench/stages.mjs 500 --runs 50`.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { stagesDockerfile } from './gen.mjs';

const here = dirname(fileURLToPath(import.meta.url));

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function loadEngine() {
  const mod = await import(pathToFileURL(join(here, '..', 'dist', 'src', 'engine.js')).href);
  return mod.fixDockerfile;
}

/**
 * plan: [{ stages, runs, warmup }]. Warms every size up first (JIT), then measures each size in turn.
 * A size whose single run exceeds budgetMs gets no more runs than it already had.
 */
export function measureStages(fixDockerfile, plan, budgetMs = 20_000) {
  const texts = new Map(plan.map((p) => [p.stages, stagesDockerfile(p.stages)]));
  for (const p of plan) for (let i = 0; i < p.warmup; i++) fixDockerfile(texts.get(p.stages));
  const out = [];
  for (const p of plan) {
    const text = texts.get(p.stages);
    const times = [];
    let edits = 0;
    const start = performance.now();
    for (let i = 0; i < p.runs; i++) {
      const t0 = performance.now();
      edits = fixDockerfile(text).edits.length;
      times.push(performance.now() - t0);
      if (performance.now() - start > budgetMs) break;
    }
    out.push({ stages: p.stages, lines: text.split('\n').length - 1, runs: times.length, median_ms: median(times), min_ms: Math.min(...times), edits });
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({
    options: { runs: { type: 'string', default: '10' }, warmup: { type: 'string', default: '3' } },
    allowPositionals: true,
  });
  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  const sizes = positionals.map(Number);
  if (![runs, warmup, ...sizes].every((x) => Number.isInteger(x) && x >= 0)) {
    process.stderr.write('usage: node bench/stages.mjs [N ...] [--runs R] [--warmup W]  (whole numbers)\n');
    process.exit(2);
  }
  const fix = await loadEngine();
  const res = measureStages(fix, (sizes.length ? sizes : [50, 500, 5000]).map((stages) => ({ stages, runs, warmup })), 120_000);
  for (const r of res) process.stdout.write(`${String(r.stages).padStart(5)} stages (${r.lines} lines): median ${r.median_ms.toFixed(2)} ms, min ${r.min_ms.toFixed(2)} ms over ${r.runs} runs, ${r.edits} edits\n`);
}
