/**
 * SIGINT or SIGTERM during `--write` over many files: every file is either exactly as it was or exactly the fixed text,
 * no temp file is left, and the report says how many were written (fsio.writeAll, bin.ts).
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
  if (code === exit || (code === null && fixed === 0)) {
    // Interrupted (possibly before anything was even planned): the report counts exactly the new files.
    if (code === exit) expect(stderr).toBe(`dockerfile-argfix: interrupted: ${fixed} of ${N} files written; the others are unchanged\n`);
  } else {
    // The run finished before the signal arrived: everything was written.
    expect({ code, stderr }).toEqual({ code: 1, stderr: '' }); // NeedsDefault findings remain for BASE_1..6
    expect(fixed).toBe(N);
  }
}, 60000);
