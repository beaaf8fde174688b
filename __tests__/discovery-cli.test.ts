/**
 * Discovery through the built CLI: files that only look like Dockerfiles by name (source and data files,
 * templates) and files that do not read as one are never parsed or touched, and each is reported as skipped
 * with its reason; real Dockerfiles in every shape BuildKit accepts are still fixed. A file named on the command
 * line is processed whatever its name or content. `npm test` builds first (pretest).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/src/bin.js', import.meta.url));
const temps: string[] = [];

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-discovery-'));
  temps.push(dir);
  mkdirSync(join(dir, '.git'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

function cli(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const GO_TEST = 'package tools\n\nimport "testing"\n\n// A Dockerfile held in a Go string is test data.\nvar dockerfile = `\nFROM ${BASE}:${TAG}\nRUN echo hello\n`\n\nfunc TestDockerfile(t *testing.T) { _ = dockerfile }\n';

/** A repository whose Dockerfiles are correct, with every kind of look-alike next to them. */
const LOOK_ALIKES: Record<string, string> = {
  'images/app/Dockerfile': 'FROM alpine:3.20\n',
  'tools/dockerfile_args_test.go': GO_TEST,
  'tools/dockerfile_test.py': 'import unittest\nDOCKERFILE = "FROM $BASE"\n',
  'docs/Dockerfile.md': '# How we build\n\nFROM $BASE\n',
  'config/dockerfile.json': '{"from": "$BASE"}\n',
  'deploy/Dockerfile.j2': 'FROM {{ base }}\n',
  'templates/{{ cookiecutter.service }}/Dockerfile': 'FROM {{ cookiecutter.base }}\n',
  'scripts/Dockerfile.sh': '#!/bin/sh\nset -e\ndocker build --build-arg BASE="$BASE" .\n',
  'broken/Dockerfile': 'RUN echo hi\nFROM $BASE\n',
  'empty/Dockerfile.base': '# nothing here yet\n',
};

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build (npm test does it first)`);
});
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('discovery: only Dockerfiles', () => {
  test('look-alikes are neither parsed nor touched; the summary counts them and --verbose says why; exit 0', () => {
    const dir = repo(LOOK_ALIKES);
    const r = cli(dir, '--check', '.');
    expect(r.stdout).toBe('');
    // Issue 14: a repository that needs nothing prints its summary and nothing else; --verbose says why each was skipped.
    expect(r.stderr).toBe('0 to change, 1 unchanged, 9 skipped (9 listed only with --verbose), 0 errors\n');
    expect(r.code).toBe(0);
    const v = cli(dir, '--check', '--verbose', '.');
    expect(v.stderr).toBe(
      [
        'broken/Dockerfile: skipped: not a Dockerfile: starts with "RUN", not ARG or FROM',
        'config/dockerfile.json: skipped: not a Dockerfile: a .json file',
        'deploy/Dockerfile.j2: skipped: not a Dockerfile: a template (.j2)',
        'docs/Dockerfile.md: skipped: not a Dockerfile: a .md file',
        'empty/Dockerfile.base: skipped: no FROM instruction: not a Dockerfile anything builds',
        'scripts/Dockerfile.sh: skipped: not a Dockerfile: starts with "set", not ARG or FROM',
        'templates/{{ cookiecutter.service }}/Dockerfile: skipped: not a Dockerfile: a template (in {{ cookiecutter.service }}/)',
        'tools/dockerfile_args_test.go: skipped: not a Dockerfile: a .go file',
        'tools/dockerfile_test.py: skipped: not a Dockerfile: a .py file',
      ]
        .map((l) => `dockerfile-argfix: ${l}\n`)
        .join('') + '0 to change, 1 unchanged, 9 skipped, 0 errors\n',
    );
    expect(v.code).toBe(0);
    expect(cli(dir, '--check', '-q', '.')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(cli(dir, '--write', '.').code).toBe(0);
    for (const [p, text] of Object.entries(LOOK_ALIKES)) expect([p, readFileSync(join(dir, p), 'utf8')]).toEqual([p, text]);
  });

  test('JSON lists every skipped file with status "skipped" and the reason in "note"', () => {
    const dir = repo(LOOK_ALIKES);
    const r = cli(dir, '-f', 'json', '.');
    const doc = JSON.parse(r.stdout) as { files: { path: string; status: string; note?: string }[]; summary: unknown };
    expect(doc.files.map(({ path, status, note }) => ({ path, status, note })).sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual([
      { path: 'broken/Dockerfile', status: 'skipped', note: 'not a Dockerfile: starts with "RUN", not ARG or FROM' },
      { path: 'config/dockerfile.json', status: 'skipped', note: 'not a Dockerfile: a .json file' },
      { path: 'deploy/Dockerfile.j2', status: 'skipped', note: 'not a Dockerfile: a template (.j2)' },
      { path: 'docs/Dockerfile.md', status: 'skipped', note: 'not a Dockerfile: a .md file' },
      { path: 'empty/Dockerfile.base', status: 'skipped', note: 'no FROM instruction: not a Dockerfile anything builds' },
      { path: 'images/app/Dockerfile', status: 'unchanged', note: undefined },
      { path: 'scripts/Dockerfile.sh', status: 'skipped', note: 'not a Dockerfile: starts with "set", not ARG or FROM' },
      { path: 'templates/{{ cookiecutter.service }}/Dockerfile', status: 'skipped', note: 'not a Dockerfile: a template (in {{ cookiecutter.service }}/)' },
      { path: 'tools/dockerfile_args_test.go', status: 'skipped', note: 'not a Dockerfile: a .go file' },
      { path: 'tools/dockerfile_test.py', status: 'skipped', note: 'not a Dockerfile: a .py file' },
    ]);
    expect(doc.summary).toEqual({ changed: 0, unchanged: 1, skipped: 9, errors: 0, needHuman: 0, needHumanRules: {} });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  test('an already-correct repository with a Dockerfile-named Go test and a cookiecutter directory prints only its summary', () => {
    const dir = repo({
      'images/base/Dockerfile': 'FROM python:3.12-slim\n',
      'tools/dockerfile_args_test.go': GO_TEST,
      'templates/{{ cookiecutter.service }}/Dockerfile': 'FROM {{ cookiecutter.base }}\n',
      'templates/{{ cookiecutter.service }}/build.sh': '#!/bin/sh\ndocker build -f Dockerfile .\n',
    });
    const r = cli(dir, '--check', '.');
    expect(r).toEqual({ code: 0, stdout: '', stderr: '0 to change, 1 unchanged, 2 skipped (2 listed only with --verbose), 0 errors\n' });
    expect(readFileSync(join(dir, 'tools/dockerfile_args_test.go'), 'utf8')).toBe(GO_TEST);
  });

  test('the CI side passes template paths over too: a build script in a cookiecutter directory is not reported', () => {
    const script = '#!/bin/sh\ndocker build -t app .\n';
    const dir = repo({ Dockerfile: 'FROM $BASE\n', 'scripts/build.sh': script, 'templates/{{ cookiecutter.service }}/build.sh': script });
    const doc = JSON.parse(cli(dir, '-f', 'json', '--default', 'BASE=alpine', '.').stdout) as { files: { path: string; findings: { rule: string }[] }[] };
    expect(doc.files.map((f) => [f.path, f.findings.map((x) => x.rule)])).toEqual([
      ['Dockerfile', ['UndefinedArgInFrom', 'InvalidDefaultArgInFrom']],
      ['scripts/build.sh', ['CiBuildInShellScript']],
    ]);
  });

  test('real Dockerfiles in every shape BuildKit reads are still fixed (BOM, CRLF, escape directive, comments first, continuations, Dockerfile.<lang>)', () => {
    const shapes: Record<string, [string, string]> = {
      'bom/Dockerfile': ['\ufeff# syntax=docker/dockerfile:1\nFROM $BASE\n', '\ufeff# syntax=docker/dockerfile:1\nARG BASE=alpine:3.20\nFROM $BASE\n'],
      'crlf/Dockerfile': ['# build the app\r\n\r\nFROM $BASE\r\nRUN make\r\n', 'ARG BASE=alpine:3.20\r\n# build the app\r\n\r\nFROM $BASE\r\nRUN make\r\n'],
      'escape/Dockerfile': ['# escape=`\n\nFROM $BASE\nRUN dir c:\\\n', '# escape=`\nARG BASE=alpine:3.20\n\nFROM $BASE\nRUN dir c:\\\n'],
      'comment/Dockerfile.ubuntu22.04': ['#!/usr/bin/env -S docker build -f\n# the app\n\nFROM $BASE\n', 'ARG BASE=alpine:3.20\n#!/usr/bin/env -S docker build -f\n# the app\n\nFROM $BASE\n'],
      'cont/Dockerfile': ['\\\nFROM $BASE\n', 'ARG BASE=alpine:3.20\n\\\nFROM $BASE\n'],
      'lower/dockerfile': ['from $BASE\n', 'arg BASE=alpine:3.20\nfrom $BASE\n'],
      'variants/Dockerfile.prod': ['FROM $BASE AS build\nFROM build\n', 'ARG BASE=alpine:3.20\nFROM $BASE AS build\nFROM build\n'],
      'variants/app.Dockerfile': ['FROM $BASE\n', 'ARG BASE=alpine:3.20\nFROM $BASE\n'],
      'variants/Dockerfile.py': ['FROM $BASE\nCMD ["python", "main.py"]\n', 'ARG BASE=alpine:3.20\nFROM $BASE\nCMD ["python", "main.py"]\n'],
    };
    const dir = repo(Object.fromEntries(Object.entries(shapes).map(([p, [input]]) => [p, input])));
    const r = cli(dir, '--write', '-q', '--no-ci', '--default', 'BASE=alpine:3.20', '.');
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    for (const [p, [, output]] of Object.entries(shapes)) expect([p, readFileSync(join(dir, p), 'utf8')]).toEqual([p, output]);
  });

  test('a file named on the command line is processed whatever its name, path or first instruction', () => {
    const dir = repo({
      'broken/Dockerfile': 'RUN echo hi\nFROM $BASE\n',
      'docs/Dockerfile.md': 'FROM $BASE\n',
      'templates/{{ cookiecutter.service }}/Dockerfile': 'FROM $BASE\n',
      'empty/Dockerfile.base': '# nothing here yet\n',
    });
    const r = cli(dir, '--write', '--no-ci', '--default', 'BASE=alpine:3.20', 'broken/Dockerfile', 'docs/Dockerfile.md', 'templates/{{ cookiecutter.service }}/Dockerfile', 'empty/Dockerfile.base');
    expect(r.stderr.split('\n').filter((l) => !l.startsWith('  ') && !/ (UndefinedArgInFrom|InvalidDefaultArgInFrom): /.test(l))).toEqual([
      'dockerfile-argfix: empty/Dockerfile.base: skipped: no FROM instruction: not a Dockerfile anything builds',
      '3 changed, 0 unchanged, 1 skipped, 0 errors',
      '',
    ]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'broken/Dockerfile'), 'utf8')).toBe('ARG BASE=alpine:3.20\nRUN echo hi\nFROM $BASE\n');
    expect(readFileSync(join(dir, 'docs/Dockerfile.md'), 'utf8')).toBe('ARG BASE=alpine:3.20\nFROM $BASE\n');
    expect(readFileSync(join(dir, 'templates/{{ cookiecutter.service }}/Dockerfile'), 'utf8')).toBe('ARG BASE=alpine:3.20\nFROM $BASE\n');
  });
});
