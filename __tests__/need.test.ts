/**
 * The need rule (issue 14): only variables a FROM needs as the repository wrote it are passed, a correct
 * repository is silent, --pass-defined opts in to the rest, and a build the tool cannot read is a warning only
 * when a needed variable is undeclared (no build arg can reach it).
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ciFixtures, runJson } from './support/ci-fixtures.js';

ciFixtures('need', 2);

const bin = fileURLToPath(new URL('../dist/src/bin.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../__fixtures__/need/${name}/input`, import.meta.url));
const gitlab = (name: string) => fileURLToPath(new URL(`../__fixtures__/gitlab-ci/${name}/input`, import.meta.url));

function copy(from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-need-'));
  cpSync(from, dir, { recursive: true });
  return dir;
}

function cli(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Report = { files: { path: string; findings: { rule: string; severity: string; message: string; line: number; name?: string }[] }[] };

describe('a correct repository', () => {
  test('--check prints only the summary and exits 0 (pinned ARG named like a CI variable, matrix path, bake helpers, a Go test file, a template directory)', () => {
    expect(existsSync(bin)).toBe(true);
    const dir = copy(fixture('correct-repo-silent'));
    try {
      spawnSync('git', ['init', '-q'], { cwd: dir });
      const r = cli(dir, '--check', '.');
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('0 to change, 2 unchanged, 1 skipped (1 listed only with --verbose), 0 errors\n');
      expect(r.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('its JSON report has no finding at all: the CI files are not even read', async () => {
    const dir = copy(fixture('correct-repo-silent'));
    try {
      const r = await runJson<Report>(dir, false);
      expect(r.code).toBe(0);
      expect(r.report.files.flatMap((f) => f.findings)).toEqual([]);
      expect(r.report.files.map((f) => f.path).sort()).toEqual(['images/app/Dockerfile', 'images/base/Dockerfile', 'tools/dockerfile_args_test.go']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('a repository whose Dockerfiles need nothing never reads its CI files: an invalid one is no error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-need-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), 'ARG PY=3.12\nFROM python:${PY}-slim\n');
    writeFileSync(join(dir, '.gitlab-ci.yml'), 'build:\n\tscript: [docker build .]\n');
    const r = await runJson<Report>(dir, false);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.report.files.map((f) => f.path)).toEqual(['Dockerfile']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('--pass-defined', () => {
  test('passes a CI-defined variable whose default is valid, with its own finding', () => {
    const dir = copy(gitlab('pinned-default-not-passed'));
    try {
      const r = cli(dir, '--pass-defined', '--write', '-f', 'json', '.');
      const ci = readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8');
      expect(ci).toContain('    - docker build -t $CI_REGISTRY_IMAGE/api:$CI_COMMIT_SHORT_SHA --build-arg PYTHON_VERSION=$PYTHON_VERSION api\n');
      const doc = JSON.parse(r.stdout) as Report;
      const added = doc.files.find((f) => f.path === '.gitlab-ci.yml')!.findings.filter((f) => f.rule === 'CiBuildArgAdded');
      expect(added.map((f) => f.message)).toEqual([
        "docker build in job 'build-api': added --build-arg PYTHON_VERSION=$PYTHON_VERSION: PYTHON_VERSION passed because of --pass-defined (the Dockerfile default is valid)",
        "docker build in job 'build-web': added --build-arg CI_REGISTRY_IMAGE=$CI_REGISTRY_IMAGE: web/Dockerfile needs CI_REGISTRY_IMAGE (as written, its FROM is not a valid reference without it)",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the config key pass-defined: true does the same; any other value is refused with its line', () => {
    const dir = copy(gitlab('pinned-default-not-passed'));
    try {
      writeFileSync(join(dir, '.dockerfile-argfix.yaml'), 'pass-defined: true\n');
      expect(cli(dir, '.').stdout).toContain('+    - docker build -t $CI_REGISTRY_IMAGE/api:$CI_COMMIT_SHORT_SHA --build-arg PYTHON_VERSION=$PYTHON_VERSION api\n');
      writeFileSync(join(dir, '.dockerfile-argfix.yaml'), 'pass-defined: maybe\n');
      const bad = cli(dir, '.');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('.dockerfile-argfix.yaml:1:15: pass-defined must be true or false');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('builds the tool cannot read', () => {
  const repo = (dockerfile: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'argfix-need-'));
    writeFileSync(join(dir, 'Dockerfile'), dockerfile);
    writeFileSync(join(dir, '.gitlab-ci.yml'), 'image:\n  script:\n    - make image\n');
    return dir;
  };

  test('CiNoBuildCommand is info when the needed ARG is declared (a Makefile may pass it)', async () => {
    const dir = repo('ARG BASE_IMAGE\nFROM $BASE_IMAGE\n');
    try {
      const r = await runJson<Report>(dir, false);
      const f = r.report.files.flatMap((x) => x.findings).map((x) => `${x.rule}:${x.severity}`);
      expect(f).toEqual(['InvalidDefaultArgInFrom:warning', 'CiNoBuildCommand:info']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('CiNoBuildCommand is about the Dockerfile as the tool leaves it: info once the ARG is hoisted (as a second run reads it), at its line in the file as read; NeedsDefault the warning', async () => {
    const dir = repo('# the base\nFROM $BASE_IMAGE\n');
    try {
      const r = await runJson<Report>(dir, false);
      const f = r.report.files.flatMap((x) => x.findings).map((x) => `${x.rule}:${x.severity}:${x.line}`);
      // The hoisted ARG goes above line 2; the finding still names line 2, where the FROM is as read.
      expect(f).toEqual(['UndefinedArgInFrom:warning:2', 'InvalidDefaultArgInFrom:warning:2', 'NeedsDefault:warning:2', 'CiNoBuildCommand:info:2']);
      expect(r.code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('CiNoBuildCommand stays a warning when the needed variable stays undeclared (its hoisting suppressed)', async () => {
    const dir = repo('# check=skip=UndefinedArgInFrom\nFROM $BASE_IMAGE\n');
    try {
      const r = await runJson<Report>(dir, false);
      const f = r.report.files.flatMap((x) => x.findings).filter((x) => x.rule.startsWith('Ci')).map((x) => `${x.rule}:${x.severity}`);
      expect(f).toEqual(['CiNoBuildCommand:warning']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an inline ${V:-x} default leaves nothing to pass: no CiNoBuildCommand, before or after the fix', async () => {
    const dir = repo('FROM ${BASE_IMAGE:-alpine:3.20}\n');
    try {
      const first = await runJson<Report>(dir, true);
      expect(first.report.files.flatMap((x) => x.findings).map((x) => x.rule)).toEqual(['UndefinedArgInFrom']);
      expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('ARG BASE_IMAGE\nFROM ${BASE_IMAGE:-alpine:3.20}\n');
      const second = await runJson<Report>(dir, false);
      expect(second.code).toBe(0);
      expect(second.report.files.flatMap((x) => x.findings)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a script that builds a Dockerfile needing nothing is silent, though another Dockerfile needs a variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'argfix-need-'));
    try {
      writeFileSync(join(dir, 'Dockerfile'), 'FROM $CI_REGISTRY_IMAGE/base:latest\n');
      mkdirSync(join(dir, 'tools'));
      mkdirSync(join(dir, 'ci'));
      writeFileSync(join(dir, 'tools', 'Dockerfile'), 'FROM alpine:3.20\n');
      writeFileSync(join(dir, 'ci', 'tools.sh'), 'docker build -t tools tools\n');
      writeFileSync(join(dir, '.gitlab-ci.yml'), 'app:\n  script:\n    - docker build -t app .\ntools:\n  script:\n    - ./ci/tools.sh\n');
      const r = await runJson<Report>(dir, false);
      expect(r.report.files.flatMap((x) => x.findings).map((x) => x.rule).filter((x) => x.startsWith('Ci'))).toEqual(['CiBuildArgAdded']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
