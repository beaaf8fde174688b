/**
 * Links (issue 10, items 2 and 11): every file is read and written at its real path inside the repository; a
 * link out of it is never read, listed in a diff or written; a link itself is never replaced; a build naming a
 * Dockerfile through a link (or a hard link) builds the Dockerfile the tool analysed; one inode is one file.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/src/bin.js', import.meta.url));
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A repository `repo/` (with .git) beside `outside/`, each holding `files`; `links` are made as given. */
function tree(files: Record<string, string>, links: [string, string][] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-links-'));
  temps.push(dir);
  mkdirSync(join(dir, 'repo', '.git'), { recursive: true });
  mkdirSync(join(dir, 'outside'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  for (const [link, target] of links) {
    mkdirSync(join(dir, link, '..'), { recursive: true });
    symlinkSync(target, join(dir, link));
  }
  return dir;
}

function cli(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
type Json = { files: { path: string; status: string; note?: string; error?: string; findings: { rule: string; message: string }[] }[] };
const json = (cwd: string, ...args: string[]) => JSON.parse(cli(cwd, '-f', 'json', ...args).stdout) as Json;

const DOCKERFILE = 'FROM $CI_REGISTRY_IMAGE:1\n';
const FIXED = 'ARG CI_REGISTRY_IMAGE\nFROM $CI_REGISTRY_IMAGE:1\n';
const CI = 'build:\n  script:\n    - docker build -t x .\n';
const CI_FIXED = 'build:\n  script:\n    - docker build -t x --build-arg CI_REGISTRY_IMAGE=$CI_REGISTRY_IMAGE .\n';

describe('a CI file that is a symbolic link inside the repository', () => {
  const make = () => tree({ 'repo/Dockerfile': DOCKERFILE, 'repo/ci/pipeline.yml': CI }, [['repo/.gitlab-ci.yml', 'ci/pipeline.yml']]);

  test('the diff names the real file, and git apply of it equals --write', () => {
    const dir = make();
    const repo = join(dir, 'repo');
    const dry = cli(repo);
    expect(dry.stdout).toContain('--- a/ci/pipeline.yml\n+++ b/ci/pipeline.yml\n');
    expect(dry.stdout).not.toContain('a/.gitlab-ci.yml');
    expect(dry.stderr).toContain('dockerfile-argfix: ci/pipeline.yml: the CI file .gitlab-ci.yml is a symbolic link to this file; written here, the link left as it is\n');
    writeFileSync(join(dir, 'fix.patch'), dry.stdout);
    const copy = tree({ 'repo/Dockerfile': DOCKERFILE, 'repo/ci/pipeline.yml': CI }, [['repo/.gitlab-ci.yml', 'ci/pipeline.yml']]);
    const apply = spawnSync('git', ['apply', join(dir, 'fix.patch')], { cwd: join(copy, 'repo'), encoding: 'utf8' });
    expect([apply.status, apply.stderr]).toEqual([0, '']);
    cli(repo, '--write');
    for (const p of ['Dockerfile', 'ci/pipeline.yml']) expect(readFileSync(join(copy, 'repo', p), 'utf8')).toBe(readFileSync(join(repo, p), 'utf8'));
  });

  test('--write patches the target and leaves the link a link; a second run changes nothing', () => {
    const dir = make();
    const repo = join(dir, 'repo');
    const r = cli(repo, '--write', '-q');
    expect(r.stderr).toBe('');
    expect(lstatSync(join(repo, '.gitlab-ci.yml')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(repo, '.gitlab-ci.yml'))).toBe('ci/pipeline.yml');
    expect(readFileSync(join(repo, 'ci/pipeline.yml'), 'utf8')).toBe(CI_FIXED);
    expect(readFileSync(join(repo, 'Dockerfile'), 'utf8')).toBe(FIXED);
    expect(json(repo, '--check').files.map((f) => [f.path, f.status])).toEqual([
      ['Dockerfile', 'unchanged'],
      ['ci/pipeline.yml', 'unchanged'],
    ]);
  });

  test('a workflow linked to another workflow: one report, one edit, the link kept', () => {
    const wf = 'on: push\nenv:\n  BASE: alpine\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build -t x .\n';
    const dir = tree({ 'repo/Dockerfile': 'FROM $BASE:3.20\n', 'repo/.github/workflows/build.yml': wf }, [['repo/.github/workflows/again.yml', 'build.yml']]);
    const repo = join(dir, 'repo');
    const doc = json(repo);
    expect(doc.files.map((f) => [f.path, f.status, f.findings.map((x) => x.rule)])).toEqual([
      ['Dockerfile', 'changed', ['UndefinedArgInFrom', 'InvalidDefaultArgInFrom']],
      ['.github/workflows/build.yml', 'changed', ['CiBuildArgAdded']],
    ]);
    const r = cli(repo, '--write', '-q');
    expect(r.stderr).toBe('');
    expect(lstatSync(join(repo, '.github/workflows/again.yml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(repo, '.github/workflows/build.yml'), 'utf8')).toBe(wf.replace('docker build -t x .', 'docker build -t x --build-arg BASE=$BASE .'));
  });
});

describe('a CI file that links out of the repository', () => {
  const make = () =>
    tree({ 'repo/Dockerfile': DOCKERFILE, 'outside/pipeline.yml': `${CI}# outside secret\n`, 'outside/compose.yml': 'services:\n  web:\n    build: .\n# outside secret\n' }, [
      ['repo/.gitlab-ci.yml', '../outside/pipeline.yml'],
      ['repo/docker-compose.yml', '../outside/compose.yml'],
    ]);

  test('is never read: not in the diff, not edited, a note; the Dockerfile is still fixed', () => {
    const dir = make();
    const repo = join(dir, 'repo');
    const dry = cli(repo);
    expect(dry.stdout).not.toContain('secret');
    expect(dry.stdout).not.toContain('gitlab-ci');
    expect(dry.stderr).toContain('dockerfile-argfix: .gitlab-ci.yml: skipped: symbolic link to outside the repository; not read\n');
    expect(dry.stderr).toContain('dockerfile-argfix: docker-compose.yml: skipped: symbolic link to outside the repository; not read\n');
    expect(dry.stderr).not.toContain('CiNoBuildCommand');
    const r = cli(repo, '--write', '-q');
    expect(r.code).toBe(1); // NeedsDefault
    expect(lstatSync(join(repo, '.gitlab-ci.yml')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(repo, 'docker-compose.yml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'outside/pipeline.yml'), 'utf8')).toBe(`${CI}# outside secret\n`);
    expect(readFileSync(join(repo, 'Dockerfile'), 'utf8')).toBe(FIXED);
  });

  test('a local include linking out holds the GitLab pipeline (it may hold anything)', () => {
    const dir = tree({ 'repo/Dockerfile': DOCKERFILE, 'repo/.gitlab-ci.yml': `include:\n  - local: ci/extra.yml\n${CI}`, 'outside/extra.yml': 'default:\n  before_script:\n    - cd elsewhere\n' }, [
      ['repo/ci/extra.yml', '../../outside/extra.yml'],
    ]);
    const repo = join(dir, 'repo');
    const doc = json(repo);
    expect(doc.files.map((f) => [f.path, f.status, f.note])).toEqual([
      ['Dockerfile', 'changed', undefined],
      ['ci/extra.yml', 'skipped', 'symbolic link to outside the repository; not read'],
      ['.gitlab-ci.yml', 'unchanged', "not edited: the GitLab pipeline's local include ci/extra.yml cannot be read, and any of its jobs may take before_script, tags, variables or a same-named job from there"],
    ]);
  });
});

describe('Dockerfiles through links', () => {
  test('a build naming a link to the Dockerfile matches it (no CiNoBuildCommand)', () => {
    const dir = tree({ 'repo/Dockerfile.real': DOCKERFILE, 'repo/.gitlab-ci.yml': 'build:\n  script:\n    - docker build -f docker/Dockerfile -t x .\n' }, [['repo/docker/Dockerfile', '../Dockerfile.real']]);
    const repo = join(dir, 'repo');
    const doc = json(repo);
    expect(doc.files.flatMap((f) => f.findings.map((x) => x.rule))).not.toContain('CiNoBuildCommand');
    expect(doc.files.map((f) => [f.path, f.status])).toEqual([
      ['Dockerfile.real', 'changed'],
      ['.gitlab-ci.yml', 'changed'],
    ]);
    cli(repo, '--write');
    expect(lstatSync(join(repo, 'docker/Dockerfile')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(repo, 'Dockerfile.real'), 'utf8')).toBe(FIXED);
    expect(readFileSync(join(repo, '.gitlab-ci.yml'), 'utf8')).toContain('--build-arg CI_REGISTRY_IMAGE=$CI_REGISTRY_IMAGE');
  });

  test('the reverse: the build names the real file, the walk meets the link first', () => {
    const dir = tree({ 'repo/app/Dockerfile': DOCKERFILE, 'repo/.gitlab-ci.yml': 'build:\n  script:\n    - docker build -f app/Dockerfile -t x app\n' }, [['repo/Dockerfile', 'app/Dockerfile']]);
    const doc = json(join(dir, 'repo'));
    expect(doc.files.flatMap((f) => f.findings.map((x) => x.rule))).not.toContain('CiNoBuildCommand');
    expect(doc.files.map((f) => [f.path, f.status])).toEqual([
      ['app/Dockerfile', 'changed'],
      ['.gitlab-ci.yml', 'changed'],
    ]);
  });

  test('a directory link: its files are taken at their real paths', () => {
    const dir = tree({ 'repo/z/Dockerfile': DOCKERFILE }, [['repo/a', 'z']]);
    const r = cli(join(dir, 'repo'), '-l');
    expect(r.stdout).toBe('z/Dockerfile\n');
  });

  test('hard links are one file: taken once (a note for the other), refused with --write, matched by a build naming either', () => {
    const dir = tree({ 'repo/a/Dockerfile': DOCKERFILE, 'repo/.gitlab-ci.yml': 'build:\n  script:\n    - docker build -t x b\n' });
    const repo = join(dir, 'repo');
    mkdirSync(join(repo, 'b'));
    linkSync(join(repo, 'a/Dockerfile'), join(repo, 'b/Dockerfile'));
    const doc = json(repo);
    expect(doc.files.map((f) => [f.path, f.status, f.note])).toEqual([
      ['b/Dockerfile', 'skipped', 'a hard link to a/Dockerfile (the same file); processed once, there'],
      ['a/Dockerfile', 'changed', undefined],
      ['.gitlab-ci.yml', 'changed', undefined],
    ]);
    expect(doc.files.flatMap((f) => f.findings.map((x) => x.rule))).not.toContain('CiNoBuildCommand');
    const r = cli(repo, '--write', '-q');
    expect(r.stderr).toBe(
      'dockerfile-argfix: a/Dockerfile: has 2 hard links: a new file would split them, and writing in place is not atomic; not written\n' +
        'dockerfile-argfix: .: not written: 1 of 2 files could not be written, so none was (all or nothing per repository)\n',
    );
    expect(r.code).toBe(2);
    expect(readFileSync(join(repo, 'b/Dockerfile'), 'utf8')).toBe(DOCKERFILE);
    expect(lstatSync(join(repo, 'a/Dockerfile')).nlink).toBe(2);
    expect(readFileSync(join(repo, '.gitlab-ci.yml'), 'utf8')).toBe('build:\n  script:\n    - docker build -t x b\n');
  });

  test('a read-only target behind a link: refused, the link and the CI file untouched', () => {
    const dir = tree({ 'repo/ci/pipeline.yml': CI, 'repo/Dockerfile': DOCKERFILE }, [['repo/.gitlab-ci.yml', 'ci/pipeline.yml']]);
    const repo = join(dir, 'repo');
    chmodSync(join(repo, 'ci/pipeline.yml'), 0o444);
    const r = cli(repo, '--write', '-q');
    expect(r.stderr).toBe(
      'dockerfile-argfix: ci/pipeline.yml: is read-only; not written\n' +
        'dockerfile-argfix: .: not written: 1 of 2 files could not be written, so none was (all or nothing per repository)\n',
    );
    expect(readFileSync(join(repo, 'Dockerfile'), 'utf8')).toBe(DOCKERFILE);
    expect(lstatSync(join(repo, '.gitlab-ci.yml')).isSymbolicLink()).toBe(true);
  });
});

describe('files the tool reads for itself', () => {
  test('a .gitignore, config or .git/config linked to a device is not read (the run ends; git ignores a linked .gitignore too)', () => {
    const dir = tree({ 'repo/Dockerfile': DOCKERFILE, 'repo/.gitlab-ci.yml': CI }, [
      ['repo/.gitignore', '/dev/zero'],
      ['repo/.git/config', '/dev/zero'],
      ['repo/sub/.dockerfile-argfix.yaml', '/dev/zero'],
    ]);
    writeFileSync(join(dir, 'repo/sub/Dockerfile'), DOCKERFILE);
    const r = spawnSync(process.execPath, [bin, '-q', '.'], { cwd: join(dir, 'repo'), encoding: 'utf8', timeout: 30_000 });
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe('dockerfile-argfix: sub/.dockerfile-argfix.yaml: cannot read config (not a regular file)\n');
    expect(r.stdout).toContain('+++ b/Dockerfile\n');
  });
});
