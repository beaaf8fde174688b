/**
 * End to end on a temp copy of shared/seed/gitlab through the built CLI (dist/src/bin.js), plus --no-ci
 * and the git-remote derivation of CI_REGISTRY_IMAGE.
 */
import { describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deriveFromRemote, deriveGithubFromRemote, gitlabSlug } from '../src/ci/predefined.js';
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

/** A repository with `files`, a git directory with origin `url` and, when given, origin/HEAD at `head`. */
function gitRepo(files: Record<string, string>, url: string, head?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-derived-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  execFileSync('git', ['init', '-q', dir]);
  execFileSync('git', ['-C', dir, 'remote', 'add', 'origin', url]);
  if (head) execFileSync('git', ['-C', dir, 'symbolic-ref', 'refs/remotes/origin/HEAD', `refs/remotes/origin/${head}`]);
  return dir;
}

const GITLAB_JOB = 'build:\n  script:\n    - docker build -t app .\n';
const GITHUB_JOB = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: docker build -t app .\n';

describe('derived defaults (each with its provenance)', () => {
  /** `--write` in `dir` hoists `arg` above `dockerfile`, naming `provenance` as its default's source; `dir` is removed. */
  const expectDerived = (dir: string, dockerfile: string, arg: string, provenance: string) => {
    try {
      const r = cli(dir, '--write', '.');
      expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(arg + dockerfile);
      expect(r.stderr).toContain(provenance);
      expect(r.stderr).toContain('2 changed, 0 unchanged, 0 skipped, 0 errors');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  test.each([
    [
      'CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX: gitlab.com:443/<top-level group, lower-cased>/dependency_proxy/containers',
      'FROM ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/alpine:3.20\n',
      'ARG CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX=gitlab.com:443/my-group/dependency_proxy/containers\n',
      '(default: git remote origin (git@gitlab.com:My-Group/Sub/App.git))',
    ],
    [
      'CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX: the full group path, lower-cased',
      'FROM ${CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX}/alpine:3.20\n',
      'ARG CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX=gitlab.com:443/my-group/sub/dependency_proxy/containers\n',
      '(default: git remote origin (git@gitlab.com:My-Group/Sub/App.git))',
    ],
    [
      'CI_PROJECT_PATH_SLUG: Gitlab::Utils.slugify of the project path',
      'FROM registry.gitlab.com/my-group/sub/app/${CI_PROJECT_PATH_SLUG}:base\n',
      'ARG CI_PROJECT_PATH_SLUG=my-group-sub-app\n',
      '(default: git remote origin (git@gitlab.com:My-Group/Sub/App.git))',
    ],
    [
      'CI_DEFAULT_BRANCH from origin/HEAD',
      'FROM registry.gitlab.com/my-group/sub/app/base:${CI_DEFAULT_BRANCH}\n',
      'ARG CI_DEFAULT_BRANCH=develop\n',
      '(default: origin/HEAD (refs/remotes/origin/develop))',
    ],
  ])('GitLab %s', (_name, dockerfile, arg, provenance) => {
    const dir = gitRepo({ Dockerfile: dockerfile, '.gitlab-ci.yml': GITLAB_JOB }, 'git@gitlab.com:My-Group/Sub/App.git', 'develop');
    expectDerived(dir, dockerfile, arg, provenance);
  });

  test.each([
    ['GITHUB_REPOSITORY in an image name: lower-cased', 'FROM ghcr.io/${GITHUB_REPOSITORY}/base:1\n', 'ARG GITHUB_REPOSITORY=my-org/app\n', '(default: git remote origin (https://github.com/My-Org/App.git), lower-cased for an image name)'],
    ['GITHUB_REPOSITORY_OWNER in an image name: lower-cased', 'FROM ghcr.io/${GITHUB_REPOSITORY_OWNER}/base:1\n', 'ARG GITHUB_REPOSITORY_OWNER=my-org\n', '(default: git remote origin (https://github.com/My-Org/App.git), lower-cased for an image name)'],
    ['GITHUB_REPOSITORY_OWNER in a tag: its own case', 'FROM ghcr.io/my-org/base:${GITHUB_REPOSITORY_OWNER}\n', 'ARG GITHUB_REPOSITORY_OWNER=My-Org\n', '(default: git remote origin (https://github.com/My-Org/App.git))'],
  ])('GitHub %s', (_name, dockerfile, arg, provenance) => {
    const dir = gitRepo({ Dockerfile: dockerfile, '.github/workflows/ci.yml': GITHUB_JOB }, 'https://github.com/My-Org/App.git');
    expectDerived(dir, dockerfile, arg, provenance);
  });

  test('a derived default never replaces --default or the repository config', () => {
    const dir = gitRepo({ Dockerfile: 'FROM ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/alpine:3.20\nFROM base:${CI_DEFAULT_BRANCH}\n', '.gitlab-ci.yml': GITLAB_JOB, '.dockerfile-argfix.yaml': 'defaults:\n  CI_DEFAULT_BRANCH: main\n' }, 'git@gitlab.com:group/app.git', 'develop');
    try {
      const r = cli(dir, '--write', '--default', 'CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX=docker.io/library', '.');
      expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toMatch(/^ARG CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX=docker\.io\/library\nARG CI_DEFAULT_BRANCH=main\n/);
      expect(r.stderr).not.toContain('origin/HEAD');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a GitHub remote gives GitLab jobs nothing, and no origin/HEAD no CI_DEFAULT_BRANCH', () => {
    const dir = gitRepo({ Dockerfile: 'FROM ghcr.io/${GITHUB_REPOSITORY}:${CI_DEFAULT_BRANCH}\n', '.gitlab-ci.yml': GITLAB_JOB }, 'https://github.com/org/app.git');
    try {
      cli(dir, '--write', '.');
      expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toMatch(/^ARG GITHUB_REPOSITORY\nARG CI_DEFAULT_BRANCH\nFROM/);
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
  // Gitlab::Utils.slugify: lowercase, [^a-z0-9] -> '-', first 63 characters, no leading or trailing '-'.
  test.each([
    ['My-Group/Sub/App', 'my-group-sub-app'],
    ['group/_my.App_', 'group--my-app'],
    [`g/${'a'.repeat(61)}-x`, `g-${'a'.repeat(61)}`],
  ])('slug of %s', (path, slug) => expect(gitlabSlug(path)).toBe(slug));
  test('dependency proxy prefixes only for gitlab.com, whose host and port are known', () => {
    expect(deriveFromRemote('https://git.example.com/group/app', 'registry.example.com').has('CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX')).toBe(false);
  });
  test.each([
    ['git@github.com:Org/App.git', 'Org/App', 'Org'],
    ['https://github.com/org/app', 'org/app', 'org'],
    ['https://gitlab.com/org/app', undefined, undefined],
    ['https://github.com/org/sub/app', undefined, undefined],
  ])('GitHub %s', (url, repo, owner) => {
    const d = deriveGithubFromRemote(url);
    expect(d.get('GITHUB_REPOSITORY')).toBe(repo);
    expect(d.get('GITHUB_REPOSITORY_OWNER')).toBe(owner);
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
