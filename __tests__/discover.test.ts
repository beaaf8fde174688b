import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { discover, isDockerfileName } from '../src/discover.js';

const root = mkdtempSync(join(tmpdir(), 'argfix-discover-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function touch(path: string, text = 'FROM alpine\n') {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe('discovery', () => {
  test('names: Renovate dockerfile patterns minus templates and look-alikes', () => {
    const yes = ['Dockerfile', 'dockerfile', 'Dockerfile.dev', 'Dockerfile-prod', 'Dockerfile_ci', 'api.Dockerfile', 'api.dockerfile', 'Containerfile', 'Containerfile.fedora', 'x.containerfile'];
    const no = ['DOCKERFILE', 'foo-Dockerfile', 'Dockerfile.j2', 'Dockerfile.tpl', 'Dockerfile.tmpl', 'Dockerfile.in', 'Dockerfile.dockerignore', 'Dockerfile.md', 'README'];
    expect(yes.filter((n) => !isDockerfileName(n))).toEqual([]);
    expect(no.filter(isDockerfileName)).toEqual([]);
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
    touch('templates/Dockerfile.j2');
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

  test('an explicit file is processed whatever its name; a missing path is an error', () => {
    touch('odd-name.txt');
    const r = discover([join(root, 'odd-name.txt'), join(root, 'missing')]);
    expect(r.files).toEqual([{ path: join(root, 'odd-name.txt'), explicit: true }]);
    expect(r.errors).toEqual([`${join(root, 'missing')}: no such file or directory`]);
  });
});
