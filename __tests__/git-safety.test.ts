/**
 * --git-branch/--git-commit run nothing the scanned repository configures (issue 10, item 1). Each repository
 * below plants every kind of program git can be told to run: clean/smudge/process filters (named in
 * .gitattributes and in .git/info/attributes), gpg.program with commit.gpgsign, hooks (in .git/hooks and in a
 * core.hooksPath of the repository's own), core.fsmonitor, a pager, a textconv diff driver, an external diff, a
 * credential helper, an ssh command and an editor. Each program writes a marker file when run: after the run
 * no marker exists. The branch then holds one commit with exactly the changed files, HEAD is on it, and the
 * index holds the committed blobs (git status, with the planted programs removed, shows nothing).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/src/bin.js', import.meta.url));
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The test's own git: out of the planted programs' reach (hooks, fsmonitor, the planted filters, pager, signing off). */
const SAFE = ['core.hooksPath=/dev/null', 'core.fsmonitor=false', 'core.pager=cat', 'user.email=t@example.com', 'user.name=t', 'init.defaultBranch=main', 'commit.gpgsign=false', 'filter.attrs.clean=', 'filter.attrs.smudge=', 'filter.info.clean=', 'filter.info.required=false', 'filter.proc.process='].flatMap((c) => ['-c', c]);
const git = (cwd: string, ...args: string[]) => execFileSync('git', [...SAFE, ...args], { cwd, encoding: 'utf8', env: { ...process.env, GIT_PAGER: 'cat' } });

const HOOKS = ['pre-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit', 'post-checkout', 'reference-transaction', 'post-index-change', 'pre-auto-gc', 'post-rewrite'];

interface Planted {
  root: string;
  markers: string;
  head: string;
}

/** A repository with a GitLab job building a Dockerfile whose FROM needs BASE, committed, then armed. */
function plant(files: Record<string, string> = {}): Planted {
  const dir = mkdtempSync(join(tmpdir(), 'argfix-gitsafe-'));
  temps.push(dir);
  const root = join(dir, 'repo');
  const markers = join(dir, 'markers');
  const programs = join(dir, 'programs');
  mkdirSync(root);
  mkdirSync(markers);
  mkdirSync(programs);
  git(root, 'init', '-q');
  const content: Record<string, string> = {
    Dockerfile: 'FROM ${BASE}:3.20\nRUN true\n',
    '.gitlab-ci.yml': 'variables:\n  BASE: alpine\nbuild:\n  script:\n    - docker build -t x .\n',
    '.gitattributes': 'Dockerfile filter=attrs diff=conv\n*.md filter=proc\n',
    'README.md': 'hello\n',
    ...files,
  };
  for (const [p, text] of Object.entries(content)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'init');
  const head = git(root, 'rev-parse', 'HEAD').trim();

  // Each program leaves a marker named after what ran it; filters pass their input through (or fail).
  const program = (name: string, body = '') => {
    const p = join(programs, name);
    writeFileSync(p, `#!/bin/sh\ntouch '${join(markers, name)}'\n${body}`);
    chmodSync(p, 0o755);
    return p;
  };
  const cat = 'cat\n';
  writeFileSync(join(root, '.git', 'info', 'attributes'), '*.yml filter=info diff=conv\n');
  const config: [string, string][] = [
    ['filter.attrs.clean', program('filter-attributes-clean', cat)],
    ['filter.attrs.smudge', program('filter-attributes-smudge', cat)],
    ['filter.info.clean', program('filter-info-clean', cat)],
    ['filter.info.required', 'true'],
    ['filter.proc.process', program('filter-process', 'exit 1\n')],
    ['commit.gpgsign', 'true'],
    ['gpg.program', program('gpg', 'exit 1\n')],
    ['core.fsmonitor', program('fsmonitor', 'exit 1\n')],
    ['core.pager', program('pager', cat)],
    ['pager.log', program('pager', cat)],
    ['diff.conv.textconv', program('textconv', 'cat "$1"\n')],
    ['diff.external', program('external-diff')],
    ['credential.helper', program('credential')],
    ['core.sshCommand', program('ssh', 'exit 1\n')],
    ['core.editor', program('editor')],
    ['core.askPass', program('askpass')],
    ['gc.auto', '1'],
    ['core.hooksPath', join(dir, 'hooks')],
  ];
  for (const [k, v] of config) git(root, 'config', '--add', k, v);
  mkdirSync(join(dir, 'hooks'));
  for (const hook of HOOKS) {
    for (const where of [join(root, '.git', 'hooks'), join(dir, 'hooks')]) {
      writeFileSync(join(where, hook), `#!/bin/sh\ntouch '${join(markers, `hook-${hook}`)}'\nexit 1\n`);
      chmodSync(join(where, hook), 0o755);
    }
  }
  return { root, markers, head };
}

function cli(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The planted programs removed, so the test's own porcelain can look (git status would run them). */
function disarm(root: string) {
  const cfg = join(root, '.git', 'config');
  const text = readFileSync(cfg, 'utf8');
  writeFileSync(cfg, text.slice(0, text.indexOf('[filter')));
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build (npm test does it first)`);
});

describe('--git-branch/--git-commit run nothing from the repository', () => {
  test('the planting works: plain git runs the planted programs (so the test can fail)', () => {
    const p = plant();
    writeFileSync(join(p.root, 'Dockerfile'), 'FROM ${BASE}:3.21\nRUN true\n');
    const plain = (...args: string[]) => spawnSync('git', args, { cwd: p.root, encoding: 'utf8' });
    plain('status');
    const noProc = ['-c', 'filter.proc.process='];
    plain(...noProc, 'diff');
    plain(...noProc, 'diff', '--no-ext-diff');
    plain(...noProc, 'add', 'Dockerfile');
    plain(...noProc, 'commit', '-qm', 'x');
    plain(...noProc, '-c', 'core.hooksPath=/dev/null', 'commit', '-qm', 'x');
    expect(readdirSync(p.markers).sort()).toEqual(
      expect.arrayContaining(['external-diff', 'filter-attributes-clean', 'filter-process', 'fsmonitor', 'gpg', 'hook-pre-commit', 'textconv']),
    );
  });

  test('branch and commit: no marker; one commit with exactly the changed files; HEAD on the branch; index consistent', () => {
    const p = plant();
    const r = cli(p.root, ['--git-branch', 'argfix/x', '--git-commit', '-q']);
    expect(readdirSync(p.markers)).toEqual([]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(git(p.root, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/argfix/x');
    expect(git(p.root, 'rev-parse', 'refs/heads/main').trim()).toBe(p.head);
    expect(git(p.root, 'rev-parse', 'HEAD^').trim()).toBe(p.head);
    expect(git(p.root, 'diff-tree', '-r', '--name-only', '--no-commit-id', 'HEAD^', 'HEAD').split('\n').filter(Boolean)).toEqual(['.gitlab-ci.yml', 'Dockerfile']);
    for (const f of ['Dockerfile', '.gitlab-ci.yml']) {
      const committed = git(p.root, 'cat-file', 'blob', `HEAD:${f}`);
      expect(committed).toBe(readFileSync(join(p.root, f), 'utf8'));
      expect(git(p.root, 'ls-files', '-s', '--', f).split(' ')[1]).toBe(git(p.root, 'rev-parse', `HEAD:${f}`).trim());
    }
    expect(readFileSync(join(p.root, 'Dockerfile'), 'utf8')).toBe('ARG BASE=alpine\nFROM ${BASE}:3.20\nRUN true\n');
    expect(readFileSync(join(p.root, '.gitlab-ci.yml'), 'utf8')).toContain('docker build -t x --build-arg BASE=$BASE .');
    expect(git(p.root, 'log', '-1', '--format=%B').trim()).toBe(
      'Declare the global ARGs that FROM needs (dockerfile-argfix)\n\n- Dockerfile: ARG BASE=alpine\n- .gitlab-ci.yml: pass the FROM variables as build args',
    );
    expect(git(p.root, 'cat-file', 'commit', 'HEAD')).not.toContain('gpgsig');
    expect(readdirSync(p.markers)).toEqual([]);
    disarm(p.root);
    expect(git(p.root, 'status', '--porcelain')).toBe('');
  });

  test('--git-branch alone: the branch is created and checked out, the files written and left uncommitted', () => {
    const p = plant();
    const r = cli(p.root, ['--git-branch', 'argfix/y', '-q']);
    expect(readdirSync(p.markers)).toEqual([]);
    expect(r.code).toBe(0);
    expect(git(p.root, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/argfix/y');
    expect(git(p.root, 'rev-parse', 'HEAD').trim()).toBe(p.head);
    expect(readFileSync(join(p.root, 'Dockerfile'), 'utf8')).toBe('ARG BASE=alpine\nFROM ${BASE}:3.20\nRUN true\n');
    disarm(p.root);
    expect(git(p.root, 'status', '--porcelain')).toBe(' M .gitlab-ci.yml\n M Dockerfile\n');
  });

  test('the clean check runs nothing: a same-size edit under a clean filter is refused; a touched (mtime only) file is clean', () => {
    const dirty = plant();
    writeFileSync(join(dirty.root, 'README.md'), 'hellO\n');
    const r = cli(dirty.root, ['--git-branch', 'argfix/z', '--git-commit', '-q']);
    expect(readdirSync(dirty.markers)).toEqual([]);
    expect(r.stderr).toBe('dockerfile-argfix: .: the work tree has uncommitted changes (1 paths); commit or stash them first; not written\n');
    expect(r.code).toBe(2);
    expect(git(dirty.root, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/main');
    expect(readFileSync(join(dirty.root, 'Dockerfile'), 'utf8')).toBe('FROM ${BASE}:3.20\nRUN true\n');

    const staged = plant();
    writeFileSync(join(staged.root, 'notes.txt'), 'x\n');
    git(staged.root, 'update-index', '--add', '--cacheinfo', `100644,${git(staged.root, 'hash-object', '-w', '--no-filters', 'notes.txt').trim()},notes.txt`);
    rmSync(join(staged.root, 'notes.txt'));
    expect(cli(staged.root, ['--git-branch', 'argfix/z', '-q']).stderr).toContain('uncommitted changes (1 paths)');
    expect(readdirSync(staged.markers)).toEqual([]);

    const touched = plant();
    const later = new Date(Date.now() + 5000);
    utimesSync(join(touched.root, 'Dockerfile'), later, later);
    utimesSync(join(touched.root, 'README.md'), later, later);
    const t = cli(touched.root, ['--git-branch', 'argfix/z', '--git-commit', '-q']);
    expect(readdirSync(touched.markers)).toEqual([]);
    expect(t.code).toBe(0);
    expect(git(touched.root, 'rev-parse', 'HEAD^').trim()).toBe(touched.head);
  });

  test('an existing branch is refused before anything is written; so is a file the tool would write that git does not track', () => {
    const p = plant();
    git(p.root, 'branch', 'argfix/x');
    const r = cli(p.root, ['--git-branch', 'argfix/x', '--git-commit', '-q']);
    expect(r.stderr).toBe("dockerfile-argfix: .: a branch 'argfix/x' already exists; not written\n");
    expect(readFileSync(join(p.root, 'Dockerfile'), 'utf8')).toBe('FROM ${BASE}:3.20\nRUN true\n');
    expect(git(p.root, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/main');

    const ignored = plant({ '.gitignore': 'gen/\n' });
    mkdirSync(join(ignored.root, 'gen'));
    writeFileSync(join(ignored.root, 'gen', 'Dockerfile'), 'FROM ${BASE}:1\n');
    const i = cli(ignored.root, ['--git-branch', 'argfix/x', '--git-commit', '--no-gitignore', '-q']);
    expect(i.stderr).toBe('dockerfile-argfix: .: gen/Dockerfile is not tracked by git; not written\n');
    expect(readFileSync(join(ignored.root, 'Dockerfile'), 'utf8')).toBe('FROM ${BASE}:3.20\nRUN true\n');
    expect(readdirSync(ignored.markers)).toEqual([]);
  });

  test('a sha256 repository, and a repository root below the work tree top (a CI file in a subdirectory)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'argfix-gitsafe-'));
    temps.push(dir);
    git(dir, 'init', '-q', '--object-format=sha256');
    mkdirSync(join(dir, 'svc'));
    writeFileSync(join(dir, 'svc', 'Dockerfile'), 'FROM ${BASE}:3.20\n');
    writeFileSync(join(dir, 'svc', '.gitlab-ci.yml'), 'variables:\n  BASE: alpine\nbuild:\n  script:\n    - docker build -t x .\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    const r = cli(join(dir, 'svc'), ['--git-branch', 'argfix/x', '--git-commit', '-q']);
    expect(r.stderr).toBe('');
    expect(git(dir, 'rev-parse', 'HEAD^').trim()).toBe(head);
    expect(git(dir, 'diff-tree', '-r', '--name-only', '--no-commit-id', 'HEAD^', 'HEAD').split('\n').filter(Boolean)).toEqual(['svc/.gitlab-ci.yml', 'svc/Dockerfile']);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });
});
