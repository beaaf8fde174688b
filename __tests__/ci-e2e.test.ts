/**
 * End to end on a temp copy of shared/seed/gitlab through the built CLI (dist/src/bin.js), plus --no-ci
 * and the git-remote derivation of CI_REGISTRY_IMAGE.
 */
import { describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deriveFromRemote } from '../src/ci/predefined.js';
import { parseCiText } from '../src/ci/yaml.js';

const BIN = fileURLToPath(new URL('../dist/src/bin.js', import.meta.url));
// shared/ sits beside the repository (on developers' machines and in CI).
const SEED = fileURLToPath(new URL('../../shared/seed/gitlab', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../__fixtures__/gitlab-ci/', import.meta.url));
const seedSource = existsSync(SEED) ? SEED : join(FIXTURES, 'seed-folded/input');

/** A writable copy (shared/ is read-only, and the tool refuses to write read-only files). */
function copy(from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-e2e-'));
  cpSync(from, dir, { recursive: true });
  const own = (p: string) => {
    chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
    if (statSync(p).isDirectory()) for (const n of readdirSync(p)) own(join(p, n));
  };
  own(dir);
  return dir;
}

const cli = (dir: string, ...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });

describe('seed end to end', () => {
  test('--write fixes the Dockerfile and the folded block; a second run changes nothing', () => {
    const dir = copy(seedSource);
    try {
      const first = cli(dir, '--write', '.');
      const ci = readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8');
      expect(ci).toContain(
        '    --tag $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA\n' +
          '    --build-arg CI_REGISTRY_IMAGE=$CI_REGISTRY_IMAGE\n' +
          '    --build-arg CI_COMMIT_BEFORE_SHA=$CI_COMMIT_BEFORE_SHA\n' +
          '  - docker push',
      );
      const df = readFileSync(join(dir, 'Dockerfile'), 'utf8');
      expect(df.startsWith('ARG CI_REGISTRY_IMAGE\nARG CI_COMMIT_BEFORE_SHA\nFROM $CI_REGISTRY_IMAGE:$CI_COMMIT_BEFORE_SHA\n')).toBe(true);
      expect(first.stderr).toContain('.gitlab-ci.yml:14:5: warning CiBeforeShaZeros:');
      expect(first.stderr).toContain('2 changed, 0 unchanged');
      const second = cli(dir, '--check', '.');
      expect(second.stderr).toContain('0 to change, 2 unchanged');
      expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(ci);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--ci chooses the systems: --ci github leaves the GitLab file alone, --ci gitlab patches it, an unknown name is a usage error', () => {
    const dir = copy(seedSource);
    try {
      const before = readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8');
      const gh = cli(dir, '--check', '--ci', 'github', '.');
      expect(gh.stderr).not.toContain('CiBeforeShaZeros');
      expect(gh.stderr).toContain('would change: Dockerfile\n');
      expect(gh.stderr).not.toContain('would change: .gitlab-ci.yml');
      const gl = cli(dir, '--check', '--ci=compose,gitlab', '.');
      expect(gl.stderr).toContain('would change: .gitlab-ci.yml\n');
      const bad = cli(dir, '--ci', 'travis', '.');
      expect(bad.status).toBe(2);
      expect(bad.stderr).toBe("dockerfile-argfix: --ci: unknown CI system 'travis' (known: gitlab, github, compose, bake, jenkins, shell, bitbucket, azure, circleci, drone, woodpecker)\n");
      expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--no-ci leaves the CI file alone', () => {
    const dir = copy(seedSource);
    try {
      const before = readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8');
      const r = cli(dir, '--write', '--no-ci', '.');
      expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(before);
      expect(r.stderr).not.toContain('CiBeforeShaZeros');
      expect(r.stderr).toContain('1 changed, 0 unchanged');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('CI_REGISTRY_IMAGE from a gitlab.com remote becomes the hoisted default', () => {
    const dir = copy(seedSource);
    try {
      execFileSync('git', ['init', '-q', dir]);
      execFileSync('git', ['-C', dir, 'remote', 'add', 'origin', 'git@gitlab.com:My-Group/Torch.git']);
      const r = cli(dir, '--write', '.');
      expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toMatch(/^ARG CI_REGISTRY_IMAGE=registry\.gitlab\.com\/my-group\/torch\n/);
      expect(r.stderr).toContain('(default: git remote origin (git@gitlab.com:My-Group/Torch.git))');
      expect(r.stderr).toContain('2 changed, 0 unchanged, 0 skipped, 0 errors');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('remote derivation', () => {
  test.each([
    ['git@gitlab.com:My-Group/sub/App.git', undefined, 'registry.gitlab.com/my-group/sub/app', 'My-Group/sub/App'],
    ['https://gitlab.com/group/app.git', undefined, 'registry.gitlab.com/group/app', 'group/app'],
    ['https://git.example.com/group/app', 'registry.example.com:5050', 'registry.example.com:5050/group/app', 'group/app'],
    ['ssh://git@git.example.com:2222/group/app.git', undefined, undefined, undefined],
  ])('%s', (url, host, image, path) => {
    const d = deriveFromRemote(url, host);
    expect(d.get('CI_REGISTRY_IMAGE')).toBe(image);
    expect(d.get('CI_PROJECT_PATH')).toBe(path);
  });
});

describe('invalid YAML', () => {
  test('tab indentation is a path:line:col error', () => {
    expect(() => parseCiText('.gitlab-ci.yml', 'build:\n\tscript: x\n')).toThrow('invalid YAML: Tabs are not allowed as indentation');
    try {
      parseCiText('.gitlab-ci.yml', 'build:\n\tscript: x\n');
    } catch (e) {
      expect((e as { format(p: string): string }).format('.gitlab-ci.yml')).toMatch(/^\.gitlab-ci\.yml:2:1: invalid YAML/);
    }
  });
});
