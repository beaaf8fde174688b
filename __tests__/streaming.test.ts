/**
 * Issue 11 item 4: a dry run or a check prints each repository's part of the output (its diffs on stdout, its
 * finding lines on stderr) as soon as every earlier repository's is printed, in the same bytes the end of the run
 * would print; --write and the one-document formats print at the end. Also the default thread count.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type RunOptions } from '../src/run.js';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Three repositories: a needs a hoist and a CI edit, b is correct, c needs a hoist and has a finding left. */
function fleet(): string {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-stream-'));
  temps.push(dir);
  const files: Record<string, Record<string, string>> = {
    a: { Dockerfile: 'FROM $CI_REGISTRY_IMAGE:1\n', '.gitlab-ci.yml': 'build:\n  script:\n    - docker build .\n' },
    b: { Dockerfile: 'FROM alpine:3.20\nRUN echo $HOME\n' },
    c: { Dockerfile: 'FROM $BASE\n' },
  };
  for (const [repo, content] of Object.entries(files)) {
    mkdirSync(join(dir, repo, '.git'), { recursive: true });
    for (const [p, text] of Object.entries(content)) writeFileSync(join(dir, repo, p), text);
  }
  return dir;
}

type Event = ['out' | 'err', string];

async function events(dir: string, extra: Partial<RunOptions> = {}) {
  const seen: Event[] = [];
  const opts: RunOptions = { paths: ['a', 'b', 'c'], write: false, check: false, listDifferent: false, defaults: [], format: 'text', color: false, quiet: false, gitignore: true, ...extra };
  const code = await run(opts, { out: (s) => seen.push(['out', s]), err: (s) => seen.push(['err', s]), cwd: dir });
  return { code, seen };
}

const DIFF_A =
  '--- a/a/Dockerfile\n+++ b/a/Dockerfile\n@@ -1,1 +1,2 @@\n+ARG CI_REGISTRY_IMAGE\n FROM $CI_REGISTRY_IMAGE:1\n' +
  '--- a/a/.gitlab-ci.yml\n+++ b/a/.gitlab-ci.yml\n@@ -1,3 +1,3 @@\n build:\n   script:\n-    - docker build .\n+    - docker build --build-arg CI_REGISTRY_IMAGE=$CI_REGISTRY_IMAGE .\n';
const DIFF_C = '--- a/c/Dockerfile\n+++ b/c/Dockerfile\n@@ -1,1 +1,2 @@\n+ARG BASE\n FROM $BASE\n';

const FINDINGS_A =
  "a/Dockerfile:1:6: warning UndefinedArgInFrom: FROM argument 'CI_REGISTRY_IMAGE' is not declared (fixed)\n" +
  '  fix: hoisted ARG CI_REGISTRY_IMAGE (default: none)\n' +
  'a/Dockerfile:1:6: warning InvalidDefaultArgInFrom: Default value for ARG $CI_REGISTRY_IMAGE:1 results in empty or invalid base image name (":1": invalid reference format)\n' +
  'a/Dockerfile:1:6: warning NeedsDefault: ARG CI_REGISTRY_IMAGE has no default, so FROM $CI_REGISTRY_IMAGE:1 is still invalid without --build-arg CI_REGISTRY_IMAGE=…\n' +
  '  hint: supply one: --default CI_REGISTRY_IMAGE=VALUE, or "defaults: {CI_REGISTRY_IMAGE: VALUE}" in .dockerfile-argfix.yaml\n' +
  "a/.gitlab-ci.yml:3:7: info CiBuildArgAdded: docker build in job 'build': added --build-arg CI_REGISTRY_IMAGE=$CI_REGISTRY_IMAGE: Dockerfile needs CI_REGISTRY_IMAGE (as written, its FROM is not a valid reference without it) (fixed)\n";
const FINDINGS_C =
  "c/Dockerfile:1:6: warning UndefinedArgInFrom: FROM argument 'BASE' is not declared (fixed)\n" +
  '  fix: hoisted ARG BASE (default: none)\n' +
  'c/Dockerfile:1:6: warning InvalidDefaultArgInFrom: Default value for ARG $BASE results in empty or invalid base image name (an empty name: invalid reference format)\n' +
  'c/Dockerfile:1:6: warning NeedsDefault: ARG BASE has no default, so FROM $BASE is still invalid without --build-arg BASE=…\n' +
  '  hint: supply one: --default BASE=VALUE, or "defaults: {BASE: VALUE}" in .dockerfile-argfix.yaml\n';
const END =
  'repository  changed  errors  warnings  info  needs a human  failed\n' +
  'a                 2       0         3     1              2       0\n' +
  'b                 0       0         0     0              0       0\n' +
  'c                 1       0         3     0              2       0\n' +
  '3 to change, 1 unchanged, 0 skipped, 0 errors (dry run: --write applies the diff); 4 findings need a human (exit 1): InvalidDefaultArgInFrom ×2, NeedsDefault ×2\n';

describe('streaming output', () => {
  test('a dry run prints each repository as it is planned, in order (b prints nothing); the end of the report last', async () => {
    const { code, seen } = await events(fleet());
    expect(code).toBe(1);
    expect(seen).toEqual([
      ['out', DIFF_A],
      ['err', FINDINGS_A],
      ['out', DIFF_C],
      ['err', FINDINGS_C],
      ['err', END],
    ]);
  });

  test('the bytes are those of a run that prints at the end: -o FILE gets the findings with the rest', async () => {
    const dir = fleet();
    const atEnd = await events(dir, { output: join(dir, 'report.txt') });
    expect(atEnd.seen).toEqual([
      ['out', DIFF_A],
      ['out', DIFF_C],
    ]);
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).toBe(FINDINGS_A + FINDINGS_C + END);
  });

  test('-l prints the paths repository by repository; --check prints no diff', async () => {
    const dir = fleet();
    const l = await events(dir, { listDifferent: true, quiet: true });
    expect(l.seen).toEqual([
      ['out', 'a/Dockerfile\na/.gitlab-ci.yml\n'],
      ['out', 'c/Dockerfile\n'],
      ['err', ''],
    ]);
    const check = await events(dir, { check: true });
    expect(check.seen).toEqual([
      ['err', FINDINGS_A],
      ['err', FINDINGS_C],
      ['err', 'would change: a/Dockerfile\nwould change: a/.gitlab-ci.yml\nwould change: c/Dockerfile\n' + END.replace(' (dry run: --write applies the diff)', '')],
    ]);
  });

  test('--write and -f json print once, at the end', async () => {
    const json = await events(fleet(), { format: 'json' });
    expect(json.seen.map(([k]) => k)).toEqual(['out']);
    expect(JSON.parse(json.seen[0][1]).files.map((f: { path: string; diff?: string }) => [f.path, f.diff])).toEqual([
      ['a/Dockerfile', DIFF_A.slice(0, DIFF_A.indexOf('--- a/a/.gitlab-ci.yml'))],
      ['a/.gitlab-ci.yml', DIFF_A.slice(DIFF_A.indexOf('--- a/a/.gitlab-ci.yml'))],
      ['b/Dockerfile', undefined],
      ['c/Dockerfile', DIFF_C],
    ]);
    const write = await events(fleet(), { write: true });
    expect(write.seen).toEqual([['err', FINDINGS_A + FINDINGS_C + END.replace('3 to change', '3 changed').replace(' (dry run: --write applies the diff)', '')]]);
  });
});

describe('default threads', () => {
  test('one on a machine with two CPUs or fewer (a worker there cost more than it gave), else the CPUs', async () => {
    // The built CLI module (src/cli.ts reads package.json relative to dist/src/).
    const { defaultThreads } = (await import(new URL('../dist/src/cli.js', import.meta.url).href)) as typeof import('../src/cli.js');
    expect([1, 2, 3, 4, 16].map(defaultThreads)).toEqual([1, 1, 3, 4, 16]);
  });
});
