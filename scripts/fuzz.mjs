#!/usr/bin/env node
// npm run fuzz -- --runs N [--seed S]: the property suites (Dockerfile, GitLab CI, GitHub Actions YAML shapes, build scripts, logical lines) with N runs per property (random seed unless given).
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string' } } });
if (!/^\d+$/.test(values.runs)) {
  console.error('fuzz: --runs takes a whole number');
  process.exit(2);
}
const env = { ...process.env, FUZZ_RUNS: values.runs, ...(values.seed ? { FUZZ_SEED: values.seed } : {}) };
const r = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', 'node_modules/jest/bin/jest.js', '__tests__/properties.test.ts', '__tests__/properties-ci.test.ts', '__tests__/properties-github-yaml.test.ts', '__tests__/properties-matrix.test.ts', '__tests__/properties-scripts.test.ts', '__tests__/logical-lines.test.ts', '--testTimeout=3600000'],
  { stdio: 'inherit', env },
);
process.exit(r.status ?? 2);
