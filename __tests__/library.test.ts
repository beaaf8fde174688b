/**
 * The library API (src/index.ts): fixDockerfile on one text, plan on a tree (the same report as `-f json`, the
 * new texts as `--write` writes them, nothing written), option validation, and the README's Library example run
 * against the build (package.test.ts runs it against the installed package too).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DockerfileArgfixError, fixDockerfile, plan, RULES, type PlanResult } from '../src/index.js';
import { readmeExample } from './support/readme.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist/src/bin.js');
const seed = join(root, 'examples/seed');
const temps: string[] = [];
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-lib-'));
  temps.push(dir);
  return dir;
}

/** A writable copy of the seed scenario in `<tmp>/repo`. */
function copySeed(): string {
  const dir = join(tempDir(), 'repo');
  cpSync(seed, dir, { recursive: true });
  for (const f of ['Dockerfile', '.gitlab-ci.yml']) chmodSync(join(dir, f), 0o644);
  return dir;
}

function cli(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('fixDockerfile', () => {
  test('hoists the FROM variables with the given defaults: exact text, findings, hoisted ARGs and diff', () => {
    const r = fixDockerfile('FROM $IMG:$TAG\nRUN true\n', { defaults: new Map([['IMG', 'alpine'], ['TAG', '3.20']]), path: 'svc/Dockerfile' });
    expect(r.text).toBe('ARG IMG=alpine\nARG TAG=3.20\nFROM $IMG:$TAG\nRUN true\n');
    expect(r.changed).toBe(true);
    expect(r.skipped).toBeNull();
    expect(r.diff).toBe('--- a/svc/Dockerfile\n+++ b/svc/Dockerfile\n@@ -1,2 +1,4 @@\n+ARG IMG=alpine\n+ARG TAG=3.20\n FROM $IMG:$TAG\n RUN true\n');
    expect(r.hoisted).toEqual([
      { name: 'IMG', default: 'alpine', source: 'options.defaults', reason: 'from' },
      { name: 'TAG', default: '3.20', source: 'options.defaults', reason: 'from' },
    ]);
    expect(r.findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.rule}${f.fixed ? ' (fixed)' : ''}: ${f.message}`)).toEqual([
      "svc/Dockerfile:1:6: warning UndefinedArgInFrom (fixed): FROM argument 'IMG' is not declared",
      'svc/Dockerfile:1:6: warning InvalidDefaultArgInFrom (fixed): Default value for ARG $IMG:$TAG results in empty or invalid base image name (":": invalid reference format)',
      "svc/Dockerfile:1:11: warning UndefinedArgInFrom (fixed): FROM argument 'TAG' is not declared",
    ]);
  });

  test('defaults as a plain object give the same result as a Map; the path defaults to Dockerfile', () => {
    const fromObject = fixDockerfile('FROM $IMG\n', { defaults: { IMG: 'alpine' } });
    const fromMap = fixDockerfile('FROM $IMG\n', { defaults: new Map([['IMG', 'alpine']]) });
    expect(fromObject).toEqual(fromMap);
    expect(fromObject.diff.startsWith('--- a/Dockerfile\n+++ b/Dockerfile\n')).toBe(true);
    expect(fromObject.findings.every((f) => f.file === 'Dockerfile')).toBe(true);
  });

  test('without a default: a bare ARG and the NeedsDefault warning, unfixed', () => {
    const r = fixDockerfile('FROM $IMG\n');
    expect(r.text).toBe('ARG IMG\nFROM $IMG\n');
    expect(r.hoisted).toEqual([{ name: 'IMG', default: null, source: 'none', reason: 'from' }]);
    expect(r.findings.map((f) => [f.rule, f.fixed])).toEqual([
      ['UndefinedArgInFrom', true],
      ['InvalidDefaultArgInFrom', false],
      ['NeedsDefault', false],
    ]);
  });

  test('a correct Dockerfile: unchanged, no findings, empty diff; a text without FROM is skipped with the reason', () => {
    const ok = 'ARG TAG=3.20\nFROM alpine:$TAG\n';
    expect(fixDockerfile(ok)).toEqual({ text: ok, changed: false, findings: [], hoisted: [], diff: '', skipped: null });
    expect(fixDockerfile('RUN true\n')).toEqual({
      text: 'RUN true\n',
      changed: false,
      findings: [],
      hoisted: [],
      diff: '',
      skipped: 'no FROM instruction: not a Dockerfile anything builds',
    });
  });

  test('ignore: the rule is reported as suppressed; an unknown rule is a TypeError', () => {
    const r = fixDockerfile('FROM $IMG\n', { defaults: { IMG: 'alpine' }, ignore: ['InvalidDefaultArgInFrom'] });
    expect(r.text).toBe('ARG IMG=alpine\nFROM $IMG\n');
    expect(r.findings.filter((f) => f.suppressed).map((f) => f.rule)).toEqual(['InvalidDefaultArgInFrom']);
    expect(() => fixDockerfile('FROM $IMG\n', { ignore: ['NoSuchRule' as never] })).toThrow(new TypeError("ignore: unknown rule 'NoSuchRule'"));
    expect(() => fixDockerfile('FROM $IMG\n', { ignore: ['toString' as never] })).toThrow(new TypeError("ignore: unknown rule 'toString'"));
  });

  test('an unreadable Dockerfile throws DockerfileArgfixError with path, line and column, as the CLI prints it', () => {
    const caught = (text: string) => {
      try {
        fixDockerfile(text, { path: 'svc/Dockerfile' });
      } catch (e) {
        return e;
      }
      throw new Error('no error');
    };
    const e = caught('ARG\nFROM $X\n');
    expect(e).toBeInstanceOf(DockerfileArgfixError);
    expect(e).toMatchObject({ name: 'DockerfileArgfixError', message: 'svc/Dockerfile:1: ARG requires at least one argument', path: 'svc/Dockerfile', line: 1, column: 0 });
    expect(caught('FROM --foo=bar $IMG\n')).toMatchObject({ message: 'svc/Dockerfile:1:1: unknown flag: --foo', line: 1, column: 1 });
  });

  test('invalid defaults are TypeErrors', () => {
    expect(() => fixDockerfile('FROM $X\n', { defaults: { 'A-B': 'x' } })).toThrow(new TypeError("defaults: invalid variable name 'A-B'"));
    expect(() => fixDockerfile('FROM $X\n', { defaults: { X: 'a\nb' } })).toThrow(new TypeError('defaults: the default of X must be one line'));
    expect(() => fixDockerfile('FROM $X\n', { defaults: { X: 3 as never } })).toThrow(new TypeError('defaults: the default of X must be a string'));
  });

  test('RULES lists every rule with its severity', () => {
    expect(RULES.UndefinedArgInFrom.severity).toBe('warning');
    expect(RULES.CiBuildArgAdded.severity).toBe('info');
  });
});

describe('plan', () => {
  test('the report is the document -f json prints, the changes are what --write writes, and nothing is written', async () => {
    const dir = copySeed();
    const parent = join(dir, '..');
    const before = { dockerfile: readFileSync(join(dir, 'Dockerfile'), 'utf8'), ci: readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8') };
    const result: PlanResult = await plan(['repo'], { cwd: parent });
    const json = cli(parent, '-f', 'json', 'repo');
    expect(json.code).toBe(1);
    expect(result.report).toEqual(JSON.parse(json.stdout));
    expect(result.errors).toEqual([]);
    expect(result.report.summary).toEqual({ changed: 2, unchanged: 0, skipped: 0, errors: 0, needHuman: 1, needHumanRules: { CiBeforeShaZeros: 1 } });
    // Nothing written.
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(before.dockerfile);
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(before.ci);
    // The new texts are what --write writes.
    expect(cli(parent, '--write', 'repo').code).toBe(1);
    expect(result.changes).toEqual([
      { path: 'repo/Dockerfile', absolutePath: join(dir, 'Dockerfile'), text: readFileSync(join(dir, 'Dockerfile'), 'utf8') },
      { path: 'repo/.gitlab-ci.yml', absolutePath: join(dir, '.gitlab-ci.yml'), text: readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8') },
    ]);
  });

  test('options map to the flags: defaults, ci: false, ci systems, jobs', async () => {
    const dir = copySeed();
    const parent = join(dir, '..');
    const same = async (options: Parameters<typeof plan>[1], ...flags: string[]) => {
      const result = await plan(['repo'], { cwd: parent, ...options });
      expect(result.report).toEqual(JSON.parse(cli(parent, '-f', 'json', ...flags, 'repo').stdout));
      return result;
    };
    const noCi = await same({ ci: false, defaults: { CI_COMMIT_BEFORE_SHA: 'stable' } }, '--no-ci', '--default', 'CI_COMMIT_BEFORE_SHA=stable');
    expect(noCi.changes.map((c) => c.path)).toEqual(['repo/Dockerfile']);
    expect(noCi.changes[0].text.split('\n').slice(0, 2)).toEqual(['ARG CI_REGISTRY_IMAGE=registry.gitlab.com/example/mytorch', 'ARG CI_COMMIT_BEFORE_SHA=stable']);
    const github = await same({ ci: ['github'] }, '--ci', 'github');
    expect(github.changes.map((c) => c.path)).toEqual(['repo/Dockerfile']);
    const threads = await same({ jobs: 2 }, '-j', '2');
    expect(threads.changes.map((c) => c.path)).toEqual(['repo/Dockerfile', 'repo/.gitlab-ci.yml']);
  });

  test('an unreadable path is an error line and counted; invalid options are TypeErrors', async () => {
    const dir = tempDir();
    const missing = await plan(['nope'], { cwd: dir });
    expect(missing.errors.length).toBe(1);
    expect(missing.errors[0].startsWith('nope: ')).toBe(true);
    expect(missing.report.summary.errors).toBe(1);
    expect(missing.changes).toEqual([]);
    await expect(plan(['.'], { cwd: dir, ci: ['gitlab', 'travis' as never] })).rejects.toThrow(new TypeError("ci: unknown CI system 'travis' (known: gitlab, github, compose, bake, jenkins, shell, bitbucket, azure, circleci, drone, woodpecker)"));
    await expect(plan(['.'], { cwd: dir, jobs: 0 })).rejects.toThrow(new TypeError('jobs must be a positive whole number'));
    await expect(plan(['.'], { cwd: dir, defaults: { '1X': 'a' } })).rejects.toThrow(new TypeError("defaults: invalid variable name '1X'"));
  });

  test('a Dockerfile that cannot be parsed is an error in the report, the others are still planned', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'Dockerfile'), 'ARG\nFROM $X\n');
    cpSync(seed, join(dir, 'seed'), { recursive: true });
    const result = await plan(['.'], { cwd: dir, ci: false });
    expect(result.errors).toEqual(['Dockerfile:1: ARG requires at least one argument']);
    expect(result.report.files.map((f) => [f.path, f.status])).toEqual([
      ['Dockerfile', 'error'],
      ['seed/Dockerfile', 'changed'],
    ]);
    expect(result.changes.map((c) => c.path)).toEqual(['seed/Dockerfile']);
  });
});

test('the README Library example prints what the README says (against the build, from the repository root)', () => {
  const { code, output } = readmeExample(root);
  expect(code).toContain("from 'dockerfile-argfix'");
  const file = join(tempDir(), 'example.mjs');
  writeFileSync(file, code.replace("from 'dockerfile-argfix'", `from ${JSON.stringify(pathToFileURL(join(root, 'dist/src/index.js')).href)}`));
  const r = spawnSync(process.execPath, [file], { cwd: root, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe(output);
  expect(r.status).toBe(0);
});
