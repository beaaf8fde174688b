import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { discover, isDockerfileName, isTemplatePath, nameSkip } from '../src/discover.js';
import { fixDockerfile } from '../src/engine.js';

const root = mkdtempSync(join(tmpdir(), 'argfix-discover-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function touch(path: string, text = 'FROM alpine\n') {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe('discovery', () => {
  test('names: Renovate dockerfile patterns minus templates and look-alikes', () => {
    const yes = ['Dockerfile', 'dockerfile', 'Dockerfile.dev', 'Dockerfile-prod', 'Dockerfile_ci', 'api.Dockerfile', 'api.dockerfile', 'Containerfile', 'Containerfile.fedora', 'x.containerfile',
      'Dockerfile.prod', 'Dockerfile.alpine', 'Dockerfile.arm64', 'Dockerfile.ubuntu22.04', 'Dockerfile.cuda', 'Dockerfile.test', 'Dockerfile.build', 'app.Dockerfile',
      // A variant label on the bare name that is also a source extension: real Dockerfiles in hundreds of public
      // repositories; the content decides.
      'Dockerfile.go', 'Dockerfile.py', 'dockerfile.js', 'Containerfile.sh'];
    const no = ['DOCKERFILE', 'foo-Dockerfile', 'Dockerfile.j2', 'Dockerfile.tpl', 'Dockerfile.tmpl', 'Dockerfile.in', 'Dockerfile.dockerignore', 'Dockerfile.md', 'README',
      'dockerfile_args_test.go', 'dockerfile_test.py', 'Dockerfile-parser.ts', 'dockerfile.test.ts', 'dockerfile.test.ts.snap', 'dockerfile.json', 'Dockerfile.yaml', 'Dockerfile.yml',
      'Dockerfile.txt', 'Dockerfile.png', 'Dockerfile.lock', 'Dockerfile.patch', 'Dockerfile.jinja', 'Dockerfile.jinja2', 'Dockerfile.gotmpl', 'Dockerfile.erb', 'Dockerfile.mustache',
      'Dockerfile.hbs', 'Dockerfile.njk', 'Dockerfile.liquid', 'Dockerfile.template', 'Dockerfile~', 'Dockerfile.orig', 'Dockerfile.prod.j2'];
    expect(yes.filter((n) => !isDockerfileName(n))).toEqual([]);
    expect(no.filter(isDockerfileName)).toEqual([]);
  });

  test('a name that matches the patterns but is not a Dockerfile says why; other names say nothing', () => {
    const names = ['dockerfile_args_test.go', 'dockerfile_test.py', 'Dockerfile.md', 'dockerfile.json', 'Dockerfile.PNG', 'Dockerfile.j2', 'Dockerfile.in', 'Dockerfile~',
      'Dockerfile.go', 'Dockerfile.dev', 'app.Dockerfile', 'main.go', 'README.md'];
    expect(Object.fromEntries(names.map((n) => [n, nameSkip(n)]))).toEqual({
      'dockerfile_args_test.go': 'not a Dockerfile: a .go file',
      'dockerfile_test.py': 'not a Dockerfile: a .py file',
      'Dockerfile.md': 'not a Dockerfile: a .md file',
      'dockerfile.json': 'not a Dockerfile: a .json file',
      'Dockerfile.PNG': 'not a Dockerfile: a .PNG file',
      'Dockerfile.j2': 'not a Dockerfile: a template (.j2)',
      'Dockerfile.in': 'not a Dockerfile: a template (.in)',
      'Dockerfile~': 'not a Dockerfile: a backup copy',
      'Dockerfile.go': null,
      'Dockerfile.dev': null,
      'app.Dockerfile': null,
      'main.go': null,
      'README.md': null,
    });
  });

  test('template paths: {{…}} or {%…%} in a segment, or a template extension', () => {
    const yes = ['templates/{{ cookiecutter.service }}/docker-compose.yml', '{{cookiecutter.project_slug}}/Dockerfile', 'a/{% if docker %}docker{% endif %}/Dockerfile',
      '.github/workflows/${{ values.name }}.yml', 'deploy/Dockerfile.j2', 'compose.yaml.jinja', 'ci/build.sh.tmpl', 'Dockerfile.in', 'chart/values.yaml.gotmpl'];
    const no = ['templates/base/Dockerfile', 'docker-compose.yml', 'Dockerfile.dev', 'in/Dockerfile', 'config.in.d/build.sh', 'Dockerfile.ubuntu22.04', 'x/${VAR}/Dockerfile'];
    expect(yes.filter((p) => !isTemplatePath(p))).toEqual([]);
    expect(no.filter(isTemplatePath)).toEqual([]);
  });

  test('walks directories in sorted order, skipping .git, node_modules, .gitignored paths and symlinked dirs', () => {
    touch('Dockerfile');
    touch('b/Dockerfile.dev');
    touch('a/api.Dockerfile');
    touch('.git/Dockerfile');
    touch('node_modules/pkg/Dockerfile');
    touch('build/Dockerfile');
    touch('sub/generated.Dockerfile');
    touch('sub/kept.Dockerfile');
    writeFileSync(join(root, '.gitignore'), 'build/\n');
    writeFileSync(join(root, 'sub/.gitignore'), 'generated.*\n');
    symlinkSync(join(root, 'b'), join(root, 'link'));
    const r = discover([root]);
    expect(r.errors).toEqual([]);
    expect(r.files.map((f) => relative(root, f.path))).toEqual([
      'Dockerfile',
      'a/api.Dockerfile',
      'b/Dockerfile.dev',
      'sub/kept.Dockerfile',
    ]);
    expect(discover([root], { gitignore: false }).files.map((f) => relative(root, f.path))).toContain('build/Dockerfile');
  });

  test('names and template paths that are not Dockerfiles are listed as skipped, with the reason, for --verbose', () => {
    const dir = join(root, 'shapes');
    const put = (p: string, text = 'FROM alpine\n') => touch(join('shapes', p), text);
    put('Dockerfile.dev');
    put('Dockerfile.py');
    put('tools/dockerfile_args_test.go', 'package tools\n');
    put('docs/Dockerfile.md');
    put('config/dockerfile.json', '{}\n');
    put('deploy/Dockerfile.j2');
    put('templates/{{ cookiecutter.service }}/Dockerfile');
    put('templates/{{ cookiecutter.service }}/nested/app.Dockerfile');
    put('templates/{{ cookiecutter.service }}/main.go', 'package main\n');
    put('templates/base/Dockerfile');
    put('gen/dockerfile_gen_test.go', 'package gen\n');
    writeFileSync(join(dir, '.gitignore'), 'gen/\n');
    const r = discover([dir]);
    expect(r.errors).toEqual([]);
    expect(r.files.map((f) => ({ ...f, path: relative(dir, f.path) }))).toEqual([
      { path: 'Dockerfile.dev', explicit: false },
      { path: 'Dockerfile.py', explicit: false },
      { path: 'templates/base/Dockerfile', explicit: false },
    ]);
    expect(r.skipped.map((s) => ({ ...s, path: relative(dir, s.path) }))).toEqual([
      { path: 'config/dockerfile.json', note: 'not a Dockerfile: a .json file', verboseOnly: true },
      { path: 'deploy/Dockerfile.j2', note: 'not a Dockerfile: a template (.j2)', verboseOnly: true },
      { path: 'docs/Dockerfile.md', note: 'not a Dockerfile: a .md file', verboseOnly: true },
      { path: 'templates/{{ cookiecutter.service }}/Dockerfile', note: 'not a Dockerfile: a template (in {{ cookiecutter.service }}/)', verboseOnly: true },
      { path: 'templates/{{ cookiecutter.service }}/nested/app.Dockerfile', note: 'not a Dockerfile: a template (in {{ cookiecutter.service }}/)', verboseOnly: true },
      { path: 'tools/dockerfile_args_test.go', note: 'not a Dockerfile: a .go file', verboseOnly: true },
    ]);
  });

  test('an explicit file is processed whatever its name or path; a missing path is an error', () => {
    touch('odd-name.txt');
    touch('tools/dockerfile_args_test.go', 'package tools\n');
    touch('{{cookiecutter.x}}/Dockerfile.j2');
    const r = discover([join(root, 'odd-name.txt'), join(root, 'tools/dockerfile_args_test.go'), join(root, '{{cookiecutter.x}}/Dockerfile.j2'), join(root, 'missing')]);
    expect(r.files).toEqual([
      { path: join(root, 'odd-name.txt'), explicit: true },
      { path: join(root, 'tools/dockerfile_args_test.go'), explicit: true },
      { path: join(root, '{{cookiecutter.x}}/Dockerfile.j2'), explicit: true },
    ]);
    expect(r.skipped).toEqual([]);
    expect(r.errors).toEqual([`${join(root, 'missing')}: no such file or directory`]);
  });
});

describe('content: a discovered file must read as a Dockerfile (BuildKit: ARG or FROM before anything else)', () => {
  const skip = (text: string) => fixDockerfile(text, { requireDockerfile: true }).skip;
  const NO_FROM = 'no FROM instruction: not a Dockerfile anything builds';

  test('directives, comments, blank lines, a BOM, CRLF and continuations before the first ARG or FROM are fine', () => {
    const ok = [
      'FROM a\n',
      'from a\n',
      'ARG X=1\nFROM a:$X\n',
      'arg X\nFrom a\n',
      '\ufeffFROM a\n',
      '\ufeff# syntax=docker/dockerfile:1\nFROM a\n',
      '# escape=`\n\nFROM a\n',
      '#!/usr/bin/env -S docker build -f\n# the app\n\n  FROM a\n',
      '# c\r\n\r\nFROM a\r\n',
      '\\\nFROM a\n',
      'FR\\\nOM a\n',
      '# escape=`\nFR`\nOM a\n',
      'ARG \\\n  X=1\nFROM a\n',
      '\t\n   \n# syntax=x\n# check=skip=all\n\nFROM a\n',
    ];
    expect(ok.map((t) => [t, skip(t)])).toEqual(ok.map((t) => [t, null]));
  });

  test('anything else first, or no FROM at all, is skipped with the reason', () => {
    const cases: [string, string][] = [
      ['RUN echo hi\nFROM $BASE\n', 'not a Dockerfile: starts with "RUN", not ARG or FROM'],
      ['ENV A=1\nFROM a\n', 'not a Dockerfile: starts with "ENV", not ARG or FROM'],
      ['onbuild RUN x\nFROM a\n', 'not a Dockerfile: starts with "onbuild", not ARG or FROM'],
      ['package tools\n\nvar d = `\nFROM ${BASE}:${TAG}\n`\n', 'not a Dockerfile: starts with "package", not ARG or FROM'],
      ['#!/bin/sh\nset -e\ndocker build -t x .\n', 'not a Dockerfile: starts with "set", not ARG or FROM'],
      ['FR`\nOM a\n', 'not a Dockerfile: starts with "FR`", not ARG or FROM'],
      [`${'x'.repeat(100)} y\n`, `not a Dockerfile: starts with "${'x'.repeat(24)}…", not ARG or FROM`],
      ['"quoted\\" word"\n', 'not a Dockerfile: starts with "\\"quoted\\\\\\"", not ARG or FROM'],
      ['', NO_FROM],
      ['# only a comment\n', NO_FROM],
      ['# $VAR in a comment\n', NO_FROM],
      ['ARG X=1\n', NO_FROM],
      ['ARG X=$Y\nRUN true\n', NO_FROM],
    ];
    expect(cases.map(([t]) => [t, skip(t)])).toEqual(cases);
  });

  test('without requireDockerfile (a file named on the command line) the content is taken as it is', () => {
    const r = fixDockerfile('RUN echo hi\nFROM $BASE\n');
    expect(r.skip).toBeNull();
    expect(r.hoisted.map((h) => h.name)).toEqual(['BASE']);
    expect(fixDockerfile('RUN true\n').skip).toBe(NO_FROM);
  });
});
