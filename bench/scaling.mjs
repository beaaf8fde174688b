#!/usr/bin/env node
/**
 * Scaling of two inputs that used to be super-linear (issue 10 item 12), in-process through dist/:
 *   - one Dockerfile with N stages, each FROM with its own variable (N inserted ARG lines): fixDockerfile and
 *     the unified diff of its edits (src/diff.ts; jsdiff's edit-length search was quadratic in N);
 *   - one .gitlab-ci.yml with N jobs merging one anchor: parse and job model (key look-ups were quadratic).
 * The figure is the time of 4N over the time of N: about 4 when linear (16 when quadratic).
 *   node bench/scaling.mjs [N] [--runs R]      (default N = 2000, R = 3)
 * Used by bench/run.mjs (measureScaling) and on its own.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const dist = (p) => pathToFileURL(join(here, '..', 'dist', 'src', p)).href;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export const fromVarsDockerfile = (n) => Array.from({ length: n }, (_, i) => `FROM img${i}:\${V${i}} AS s${i}\nRUN echo ${i}\n`).join('');
export function anchorPipeline(n) {
  let t = 'variables:\n  GLOBAL: "1"\n.tpl: &tpl\n  image: docker:27\n  script:\n    - docker build -t $CI_REGISTRY_IMAGE .\n';
  for (let i = 0; i < n; i++) t += `job${i}:\n  <<: *tpl\n  variables:\n    A${i}: "x"\n`;
  return t;
}

export async function measureScaling(n = 2000, runs = 3) {
  const { fixDockerfile } = await import(dist('engine.js'));
  const { unifiedDiff } = await import(dist('diff.js'));
  const { parseCiText } = await import(dist('ci/yaml.js'));
  const { buildJobModel } = await import(dist('ci/jobs.js'));
  const cases = {
    from_vars: (text) => {
      const r = fixDockerfile(text);
      return unifiedDiff('Dockerfile', text, r.output, r.edits).length;
    },
    anchor_jobs: (text) => buildJobModel({ files: [parseCiText('.gitlab-ci.yml', text)], external: [], unreadable: [] }).jobs.length,
  };
  const inputs = { from_vars: fromVarsDockerfile, anchor_jobs: anchorPipeline };
  const out = {};
  for (const [name, run] of Object.entries(cases)) {
    const time = (size) => {
      const text = inputs[name](size);
      run(text); // warm-up
      const t = [];
      for (let i = 0; i < runs; i++) {
        const s = performance.now();
        run(text);
        t.push(performance.now() - s);
      }
      return median(t);
    };
    const small = time(n);
    const large = time(4 * n);
    out[name] = { n, small_ms: small, large_ms: large, ratio: large / small };
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '3' } }, allowPositionals: true });
  const n = Number(positionals[0] ?? 2000);
  const res = await measureScaling(n, Number(values.runs));
  for (const [k, r] of Object.entries(res)) {
    process.stdout.write(`${k}: ${r.n} -> ${4 * r.n}: ${r.small_ms.toFixed(1)} ms -> ${r.large_ms.toFixed(1)} ms = ${r.ratio.toFixed(2)}x (linear: 4x)\n`);
  }
}
