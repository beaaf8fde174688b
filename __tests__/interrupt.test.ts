/**
 * SIGINT or SIGTERM during `--write` over many files: every file is either exactly as it was or exactly the fixed text,
 * every repository either as it was or fully fixed (all or nothing), no temp file is left, and the report says how
 * many were written (fsio.prepareWrites, run.ts, bin.ts).
 */
import { afterAll, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixDockerfile } from '../src/engine.js';

const bin = fileURLToPath(new URL('../dist/src/bin.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'argfix-interrupt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('a --write interrupted by %s leaves every file old or new (exit %i)', async (signal, exit) => {
  const N = 1500;
  const base = join(root, signal);
  mkdirSync(base);
  const before = new Map<string, string>();
  for (let i = 0; i < N; i++) {
    const dir = join(base, `svc${i}`);
    mkdirSync(dir);
    const text = `FROM \${BASE_${i % 7}}:\${TAG:-1.${i}}\nRUN echo ${i}\n`;
    writeFileSync(join(dir, 'Dockerfile'), text);
    before.set(join(dir, 'Dockerfile'), text);
  }
  const child = spawn(process.execPath, [bin, '--write', '--no-ci', '-q', '--default', 'BASE_0=a', base], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  setTimeout(() => child.kill(signal), 400);
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));

  let fixed = 0;
  for (const [path, text] of before) {
    const now = readFileSync(path, 'utf8');
    const expected = fixDockerfile(text, { defaults: new Map([['BASE_0', { value: 'a', source: '--default' }]]) }).output;
    expect([text, expected]).toContain(now);
    if (now === expected && expected !== text) fixed++;
  }
  const temps = readdirSync(base, { recursive: true }).filter((n) => String(n).endsWith('.tmp'));
  expect(temps).toEqual([]);
  // One repository (the directory given): all or nothing.
  expect([0, N]).toContain(fixed);
  if (code === exit || (code === null && fixed === 0)) {
    // Interrupted (possibly before anything was even planned): the report counts exactly the new files.
    if (code === exit) expect(stderr).toBe(`dockerfile-argfix: interrupted: ${fixed} of ${N} files written; the others are unchanged\n`);
  } else {
    // The run finished before the signal arrived: everything was written.
    expect({ code, stderr }).toEqual({ code: 1, stderr: '' }); // NeedsDefault findings remain for BASE_1..6
    expect(fixed).toBe(N);
  }
}, 60000);

test('SIGINT during --write over many repositories: each repository is as it was or fully fixed', async () => {
  const REPOS = 40;
  const PER = 30;
  const base = join(root, 'fleet');
  mkdirSync(base);
  const defaults = new Map([['BASE_0', { value: 'a', source: '--default' }]]);
  const repos: { path: string; text: string; expected: string }[][] = [];
  for (let r = 0; r < REPOS; r++) {
    mkdirSync(join(base, `repo${r}`, '.git'), { recursive: true });
    const files = [];
    for (let i = 0; i < PER; i++) {
      const dir = join(base, `repo${r}`, `svc${i}`);
      mkdirSync(dir);
      const text = `FROM \${BASE_${i % 7}}:\${TAG:-1.${i}}\nRUN echo ${r} ${i}\n`;
      writeFileSync(join(dir, 'Dockerfile'), text);
      files.push({ path: join(dir, 'Dockerfile'), text, expected: fixDockerfile(text, { defaults }).output });
    }
    repos.push(files);
  }
  const child = spawn(process.execPath, [bin, '--write', '--no-ci', '-q', '--default', 'BASE_0=a', '--each-repo', base], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  // The signal comes once the first repository is written, so it lands while the others are being written.
  const poll = setInterval(() => {
    if (readFileSync(repos[0][0].path, 'utf8') !== repos[0][0].text) {
      clearInterval(poll);
      child.kill('SIGINT');
    }
  }, 2);
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  clearInterval(poll);
  let fixed = 0;
  for (const files of repos) {
    const states = files.map((f) => {
      const now = readFileSync(f.path, 'utf8');
      expect([f.text, f.expected]).toContain(now);
      return now === f.expected;
    });
    expect([0, PER]).toContain(states.filter(Boolean).length);
    fixed += states.filter(Boolean).length;
  }
  expect(readdirSync(base, { recursive: true }).filter((n) => String(n).endsWith('.tmp'))).toEqual([]);
  if (code === 130) {
    expect(stderr).toBe(`dockerfile-argfix: interrupted: ${fixed} of ${REPOS * PER} files written; the others are unchanged\n`);
    expect(fixed).toBeGreaterThan(0);
  } else expect({ code, fixed }).toEqual({ code: 1, fixed: REPOS * PER }); // finished before the signal came
}, 60000);
