/**
 * A repository is written all or nothing (issue 10, item 9): when any file of its plan cannot be written, none
 * is, each file's report says why, one line speaks for the repository, and the other repositories go on.
 */
import { afterAll, expect, test } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, setCommitHooks, type RunOptions } from '../src/run.js';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

const DOCKERFILE = 'FROM $CI_REGISTRY_IMAGE:1\n';
const CI = 'build:\n  script:\n    - docker build .\n';

/** Two repositories (a, b), each a Dockerfile whose FROM needs a variable and the GitLab job that builds it. */
function fleet(): string {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-aon-'));
  temps.push(dir);
  for (const repo of ['a', 'b']) {
    mkdirSync(join(dir, repo, '.git'), { recursive: true });
    writeFileSync(join(dir, repo, 'Dockerfile'), DOCKERFILE);
    writeFileSync(join(dir, repo, '.gitlab-ci.yml'), CI);
  }
  return dir;
}

interface Report {
  files: { path: string; status: string; error?: string }[];
  repos: { repo: string; error?: string }[];
}

async function runWrite(dir: string, verbose = false) {
  let out = '';
  let err = '';
  const opts: RunOptions = { paths: ['a', 'b'], write: true, check: false, listDifferent: false, defaults: [], format: 'json', color: false, quiet: true, gitignore: true, verbose };
  const code = await run(opts, { out: (s) => (out += s), err: (s) => (err += s), cwd: dir });
  return { code, report: JSON.parse(out) as Report, err };
}

const FIXED_DOCKERFILE = 'ARG CI_REGISTRY_IMAGE\nFROM $CI_REGISTRY_IMAGE:1\n';
const FIXED_CI = 'build:\n  script:\n    - docker build --build-arg CI_REGISTRY_IMAGE=$CI_REGISTRY_IMAGE .\n';

test('a read-only Dockerfile: its CI file is not patched either (no half fix); the other repository is fixed', async () => {
  const dir = fleet();
  chmodSync(join(dir, 'a', 'Dockerfile'), 0o444);
  const r = await runWrite(dir);
  expect(readFileSync(join(dir, 'a', 'Dockerfile'), 'utf8')).toBe(DOCKERFILE);
  expect(readFileSync(join(dir, 'a', '.gitlab-ci.yml'), 'utf8')).toBe(CI);
  expect(readFileSync(join(dir, 'b', 'Dockerfile'), 'utf8')).toBe(FIXED_DOCKERFILE);
  expect(readFileSync(join(dir, 'b', '.gitlab-ci.yml'), 'utf8')).toBe(FIXED_CI);
  expect(r.code).toBe(2);
  expect(r.report.files.map((f) => [f.path, f.status, f.error])).toEqual([
    ['a/Dockerfile', 'error', 'a/Dockerfile: is read-only; not written'],
    ['a/.gitlab-ci.yml', 'error', 'a/.gitlab-ci.yml: not written: a/Dockerfile could not be written, and a repository is written all or nothing'],
    ['b/Dockerfile', 'changed', undefined],
    ['b/.gitlab-ci.yml', 'changed', undefined],
  ]);
  expect(r.report.repos.map((x) => [x.repo, x.error])).toEqual([
    ['a', 'a: not written: 1 of 2 files could not be written, so none was (all or nothing per repository)'],
    ['b', undefined],
  ]);
  // In text, the held-back file's line is printed with --verbose only; the repository's line stands for it.
  expect(r.err).toBe(
    'dockerfile-argfix: a/Dockerfile: is read-only; not written\n' +
      'dockerfile-argfix: a: not written: 1 of 2 files could not be written, so none was (all or nothing per repository)\n',
  );
  expect((await runWrite(dir, true)).err).toContain('dockerfile-argfix: a/.gitlab-ci.yml: not written: a/Dockerfile could not be written');
});

test('a file changed by someone else between the checks and its rename: the files already written are put back', async () => {
  const dir = fleet();
  let calls = 0;
  setCommitHooks({
    beforeRename: (i) => {
      // Repository a's second file (its CI file) changes just before it is renamed into place.
      if (calls++ === 1 && i === 1) writeFileSync(join(dir, 'a', '.gitlab-ci.yml'), `${CI}# edited\n`);
    },
  });
  try {
    const r = await runWrite(dir);
    expect(readFileSync(join(dir, 'a', 'Dockerfile'), 'utf8')).toBe(DOCKERFILE);
    expect(readFileSync(join(dir, 'a', '.gitlab-ci.yml'), 'utf8')).toBe(`${CI}# edited\n`);
    expect(readFileSync(join(dir, 'b', 'Dockerfile'), 'utf8')).toBe(FIXED_DOCKERFILE);
    expect(r.report.files.map((f) => [f.path, f.status, f.error])).toEqual([
      ['a/Dockerfile', 'error', 'a/Dockerfile: not written: a/.gitlab-ci.yml could not be written, and a repository is written all or nothing'],
      ['a/.gitlab-ci.yml', 'error', 'a/.gitlab-ci.yml: changed on disk since it was read; not written'],
      ['b/Dockerfile', 'changed', undefined],
      ['b/.gitlab-ci.yml', 'changed', undefined],
    ]);
    expect(r.code).toBe(2);
  } finally {
    setCommitHooks(undefined);
  }
});
