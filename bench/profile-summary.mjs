#!/usr/bin/env node
/**
 * Summarises V8 .cpuprofile files (from `node --cpu-prof`; one per thread, so a run with worker threads gives
 * several): top functions by self time (with file:line), the same grouped by file, and top functions by total
 * (inclusive) time, over all the files given (a directory means every .cpuprofile in it).
 *   node bench/profile-summary.mjs FILE.cpuprofile|DIR ... [--top N] [--root DIR]
 * Paths under --root (default: the repository) are shown relative; node_modules paths from the package name on.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dirname, join, resolve } from 'node:path';

/** Profiles from files and directories (every *.cpuprofile in a directory, sorted by name). */
export function loadProfiles(inputs) {
  const paths = [];
  for (const p of inputs) {
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p).sort()) if (f.endsWith('.cpuprofile')) paths.push(join(p, f));
    } else {
      paths.push(p);
    }
  }
  return paths.map((p) => JSON.parse(readFileSync(p, 'utf8')));
}

export function summarise(profiles, { top = 20, root = resolve(dirname(fileURLToPath(import.meta.url)), '..') } = {}) {
  if (!Array.isArray(profiles)) profiles = [profiles];
  const rootUrl = `file://${root}/`;
  const short = (url) => {
    if (!url) return '(native)';
    const nm = url.lastIndexOf('/node_modules/');
    if (nm >= 0) return url.slice(nm + 14);
    if (url.startsWith(rootUrl)) return url.slice(rootUrl.length);
    return url.replace(/^file:\/\//, '');
  };
  const keyOf = (n) => {
    const cf = n.callFrame;
    return `${cf.functionName || '(anonymous)'}  ${short(cf.url)}:${cf.lineNumber + 1}`;
  };
  const self = new Map();
  const total = new Map();
  const files = new Map();
  const threads = [];
  let all = 0;
  // (idle) samples are a thread waiting (e.g. the main thread while workers run): counted apart, not as work.
  let idle = 0;
  for (const profile of profiles) {
    const byId = new Map();
    const parent = new Map();
    for (const n of profile.nodes) {
      byId.set(n.id, n);
      for (const c of n.children ?? []) parent.set(c, n.id);
    }
    const { samples, timeDeltas } = profile;
    let sum = 0;
    for (let i = 0; i < samples.length; i++) {
      const dt = (timeDeltas[i + 1] ?? timeDeltas[i] ?? 0) / 1000; // ms; a sample's time runs to the next sample
      const node = byId.get(samples[i]);
      sum += dt;
      if (node.callFrame.functionName === '(idle)') {
        idle += dt;
        continue;
      }
      const k = keyOf(node);
      self.set(k, (self.get(k) ?? 0) + dt);
      const f = short(node.callFrame.url) || '(native)';
      files.set(f, (files.get(f) ?? 0) + dt);
      const seen = new Set();
      for (let id = samples[i]; id !== undefined; id = parent.get(id)) {
        const kk = keyOf(byId.get(id));
        if (seen.has(kk)) continue;
        seen.add(kk);
        total.set(kk, (total.get(kk) ?? 0) + dt);
      }
    }
    threads.push(sum);
    all += sum;
  }
  const fmt = (m, label) => {
    const rows = [...m].filter(([k]) => !/^\(root\)/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, top);
    let s = `${label}\n`;
    for (const [k, ms] of rows) s += `  ${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${k}\n`;
    return s;
  };
  const busy = all - idle || 1;
  return (
    `sampled ${all.toFixed(0)} ms in ${threads.length} thread(s) (${threads.map((t) => t.toFixed(0)).join(' + ')} ms), ` +
    `of which ${idle.toFixed(0)} ms idle; percentages are of the ${busy.toFixed(0)} ms busy\n` +
    fmt(self, `top ${top} functions by self time`) +
    fmt(files, `top ${top} files by self time`) +
    fmt(total, `top ${top} functions by total (inclusive) time`)
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let parsed;
  try {
    parsed = parseArgs({ options: { top: { type: 'string' }, root: { type: 'string' } }, allowPositionals: true });
  } catch {
    parsed = { values: {}, positionals: [] };
  }
  const { values, positionals: inputs } = parsed;
  if (!inputs.length) {
    process.stderr.write('usage: node bench/profile-summary.mjs FILE.cpuprofile|DIR ... [--top N] [--root DIR]\n');
    process.exit(2);
  }
  const o = {};
  if (values.top) o.top = Number(values.top);
  if (values.root) o.root = resolve(values.root);
  process.stdout.write(summarise(loadProfiles(inputs), o));
}
