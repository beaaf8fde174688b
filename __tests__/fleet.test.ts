/**
 * Fleet runs through the built CLI: three repositories (one with invalid CI YAML), --each-repo, --repos-from -,
 * per-repository patches that `git apply --check` accepts from each root, identical output for -j 1 and -j 2,
 * the per-repository table, JSON grouped by repository, and --git-branch/--git-commit on temp repositories.
 */
import { afterAll, beforeEach, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/src/bin.js', import.meta.url));
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });

function fleet(): string {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-fleet-'));
  temps.push(dir);
  const files: Record<string, Record<string, string>> = {
    alpha: { Dockerfile: 'FROM $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA\n', '.gitlab-ci.yml': 'build:\n  script:\n    - docker build -t x .\n' },
    beta: { 'svc/Dockerfile': 'ARG BASE=alpine\nFROM $BASE:$TAG\n', 'web/Dockerfile': 'FROM nginx:1.27\n' },
    gamma: { Dockerfile: 'FROM $X\n', '.gitlab-ci.yml': 'build:\n\tscript: x\n' },
  };
  for (const [repo, content] of Object.entries(files)) {
    const root = join(dir, repo);
    mkdirSync(root);
    git(root, 'init', '-q');
    for (const [p, text] of Object.entries(content)) {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), text);
    }
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'init');
  }
  mkdirSync(join(dir, 'not-a-repo'));
  writeFileSync(join(dir, 'not-a-repo', 'Dockerfile'), 'FROM $NOPE\n');
  return dir;
}

const cli = (cwd: string, args: string[], input?: string) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', input, env: { ...process.env, CI: 'true' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

let dir: string;
beforeEach(() => {
  dir = fleet();
});

describe('fleet runs', () => {
  test('--each-repo: only children with .git, grouped table, the broken repository does not stop the others', () => {
    const r = cli(dir, ['--each-repo', '.', '-j', '2']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('+++ b/alpha/Dockerfile\n');
    expect(r.stdout).toContain('+++ b/beta/svc/Dockerfile\n');
    expect(r.stdout).toContain('+++ b/gamma/Dockerfile\n');
    expect(r.stdout).not.toContain('not-a-repo');
    expect(r.stderr).toContain('dockerfile-argfix: gamma/.gitlab-ci.yml:2:1: invalid YAML: Tabs are not allowed as indentation\n');
    expect(r.stderr).toContain(
      [
        'repository  changed  errors  warnings  info  needs a human  failed',
        'alpha             2       0         5     1              3       0',
        'beta              1       0         3     0              2       0',
        'gamma             1       0         3     0              2       1',
        '4 to change, 1 unchanged, 0 skipped, 1 error (dry run: --write applies the diff); 7 findings need a human (exit 1): NeedsDefault ×4, InvalidDefaultArgInFrom ×3',
        '',
      ].join('\n'),
    );
  });

  test('-j 1 and -j 2 print identical bytes', () => {
    const a = cli(dir, ['--each-repo', '.', '-j', '1']);
    const b = cli(dir, ['--each-repo', '.', '-j', '2']);
    const c = cli(dir, ['--each-repo', '.', '--run-in-band', '-f', 'json']);
    const d = cli(dir, ['--each-repo', '.', '-j', '2', '-f', 'json']);
    expect(b.stdout).toBe(a.stdout);
    expect(b.stderr).toBe(a.stderr);
    expect(d.stdout).toBe(c.stdout);
  });

  test('--repos-from - reads repository paths from stdin (comments and blank lines ignored)', () => {
    const r = cli(dir, ['--repos-from', '-', '-l'], '# the fleet\nbeta\n\nalpha\n');
    expect(r.stdout).toBe('beta/svc/Dockerfile\nalpha/Dockerfile\nalpha/.gitlab-ci.yml\n');
    expect(r.code).toBe(1);
  });

  test('--patch-dir: one patch per repository that git apply --check accepts from its root', () => {
    const patches = join(dir, '..', `${dir.split('/').pop()}-patches`);
    temps.push(patches);
    cli(dir, ['--each-repo', '.', '--patch-dir', patches]);
    for (const repo of ['alpha', 'beta', 'gamma']) {
      const patch = readFileSync(join(patches, `${repo}.patch`), 'utf8');
      expect(patch.startsWith('--- a/')).toBe(true);
      const check = spawnSync('git', ['apply', '--check', join(patches, `${repo}.patch`)], { cwd: join(dir, repo), encoding: 'utf8' });
      expect([repo, check.status, check.stderr]).toEqual([repo, 0, '']);
    }
    expect(readFileSync(join(patches, 'beta.patch'), 'utf8')).toBe(
      '--- a/svc/Dockerfile\n+++ b/svc/Dockerfile\n@@ -1,2 +1,3 @@\n ARG BASE=alpine\n+ARG TAG\n FROM $BASE:$TAG\n',
    );
  });

  test('--config is a fleet config: below CI variables and the repository\'s own config', () => {
    writeFileSync(join(dir, 'fleet.yaml'), 'defaults:\n  CI_REGISTRY_IMAGE: registry.example.com/fleet\n  CI_COMMIT_SHA: fleet-sha\n  TAG: "3.20"\n  X: fleet-x\n');
    writeFileSync(join(dir, 'beta', '.dockerfile-argfix.yaml'), 'defaults:\n  TAG: own-tag\n');
    writeFileSync(join(dir, 'alpha', '.gitlab-ci.yml'), 'variables:\n  CI_COMMIT_SHA: from-ci\nbuild:\n  script:\n    - docker build -t x .\n');
    const r = cli(dir, ['--each-repo', '.', '--config', 'fleet.yaml', '--no-ci']);
    expect(r.stdout).toContain('+ARG X=fleet-x\n');
    expect(r.stdout).toContain('+ARG TAG=own-tag\n');
    // --no-ci leaves the CI files alone but still reads their values: the Dockerfile edit is the same as with CI.
    expect(r.stdout).toContain('+ARG CI_REGISTRY_IMAGE=registry.example.com/fleet\n+ARG CI_COMMIT_SHA=from-ci\n');
    expect(r.stdout).not.toContain('.gitlab-ci.yml');
    const withCi = cli(dir, ['alpha', '--config', 'fleet.yaml']);
    expect(withCi.stdout).toContain('+ARG CI_REGISTRY_IMAGE=registry.example.com/fleet\n+ARG CI_COMMIT_SHA=from-ci\n');
  });

  test('JSON groups by repository', () => {
    const doc = JSON.parse(cli(dir, ['--each-repo', '.', '-f', 'json']).stdout);
    expect(doc.repos.map((r: { repo: string; changed: number; needsHuman: number; errors: number }) => [r.repo, r.changed, r.needsHuman, r.errors])).toEqual([
      ['alpha', 2, 3, 0],
      ['beta', 1, 2, 0],
      ['gamma', 1, 2, 1],
    ]);
    expect(doc.repos[1].files).toEqual(['beta/svc/Dockerfile', 'beta/web/Dockerfile']);
  });

  test('--git-branch --git-commit: a branch and a commit per changed repository; a dirty one is refused untouched', () => {
    writeFileSync(join(dir, 'beta', 'notes.txt'), 'uncommitted\n');
    const r = cli(dir, ['--each-repo', '.', '--git-branch', 'argfix/declare-args', '--git-commit', '--no-ci', '-q']);
    expect(r.stderr).toContain('dockerfile-argfix: beta: the work tree has uncommitted changes (1 paths); commit or stash them first; not written\n');
    expect(r.code).toBe(2);
    expect(git(join(dir, 'alpha'), 'branch', '--show-current').trim()).toBe('argfix/declare-args');
    expect(git(join(dir, 'alpha'), 'log', '-1', '--format=%B').trim()).toBe(
      'Declare the global ARGs that FROM needs (dockerfile-argfix)\n\n- Dockerfile: ARG CI_REGISTRY_IMAGE, CI_COMMIT_SHA',
    );
    expect(git(join(dir, 'alpha'), 'status', '--porcelain')).toBe('');
    expect(git(join(dir, 'beta'), 'branch', '--show-current').trim()).toBe('main');
    expect(readFileSync(join(dir, 'beta', 'svc', 'Dockerfile'), 'utf8')).toBe('ARG BASE=alpine\nFROM $BASE:$TAG\n');
  });
});
