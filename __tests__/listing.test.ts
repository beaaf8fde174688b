/**
 * Discovery's listings shared after it (src/listing.ts): every answer the listing gives is the one the disk call
 * it stands for gives (existsSync, realpathSync, lstat's type), on trees with links in and out, dangling links,
 * names that differ only in letter case or Unicode form; what it cannot know it leaves to the disk. A repository
 * planned with the listing is planned exactly as without it, on this thread and on a worker thread.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { discover } from '../src/discover.js';
import { Listing } from '../src/listing.js';
import { planRepo } from '../src/repo.js';
import { collect, planOptions } from '../src/run.js';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = () => {
  const d = realpathSync(mkdtempSync(join(tmpdir(), 'argfix-listing-')));
  temps.push(d);
  return d;
};

/** Discovery's listings of `dir` (the walk every run makes). */
function listingOf(dir: string, gitignore = true): Listing {
  const listing = new Listing();
  discover([dir], { gitignore, onListing: (d, entries, real) => listing.add(d, real, entries) });
  return listing;
}

const realOrNull = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
};
const lstatType = (p: string) => {
  try {
    const st = lstatSync(p);
    return st.isDirectory() ? 'd' : st.isFile() ? 'f' : st.isSymbolicLink() ? 'l' : 'o';
  } catch {
    return '';
  }
};

/** Every answer the listing gives equals the disk's; returns how many it gave. */
function agrees(listing: Listing, abs: string): number {
  let known = 0;
  const e = listing.exists(abs);
  if (e !== undefined) {
    expect([abs, e]).toEqual([abs, existsSync(abs)]);
    known++;
  }
  const r = listing.real(abs);
  if (r !== undefined) {
    expect([abs, r]).toEqual([abs, realOrNull(abs)]);
    known++;
  }
  const t = listing.type(abs);
  if (t !== undefined) expect([abs, t]).toEqual([abs, lstatType(abs)]);
  return known;
}

describe('Listing answers as the disk does', () => {
  test('files, directories, links in and out of the tree, dangling links, missing names', () => {
    const dir = temp();
    const root = join(dir, 'repo');
    const files = ['Dockerfile', 'a/Dockerfile.dev', 'a/b/compose.yml', '.github/workflows/ci.yml', 'node_modules/x/Dockerfile', 'ignored/Dockerfile', '.gitignore'];
    for (const f of files) {
      mkdirSync(dirname(join(root, f)), { recursive: true });
      writeFileSync(join(root, f), f === '.gitignore' ? 'ignored/\n' : 'FROM scratch\n');
    }
    mkdirSync(join(root, '.git'));
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(dir, 'outside', 'Dockerfile'), 'FROM scratch\n');
    symlinkSync('a/b', join(root, 'link-in'));
    symlinkSync('../outside', join(root, 'link-out'));
    symlinkSync('nowhere', join(root, 'dangling'));
    symlinkSync('Dockerfile', join(root, 'a', 'Dockerfile.link'));
    const listing = listingOf(root);
    const probes = [
      '',
      'Dockerfile',
      'dockerfile',
      'Dockerfile/',
      'missing',
      'a',
      'a/Dockerfile.dev',
      'a/missing.yml',
      'a/Dockerfile.link',
      'a/b/compose.yml',
      'a/b/docker-compose.yml',
      'link-in',
      'link-in/compose.yml',
      'link-in/missing',
      'link-out',
      'link-out/Dockerfile',
      'dangling',
      '.git',
      '.git/config',
      '.github/workflows',
      '.github/workflows/ci.yml',
      'node_modules/x/Dockerfile',
      'ignored/Dockerfile',
      '.dockerfile-argfix.yaml',
      'a/.dockerfile-argfix.yml',
      'missing/.git',
      'missing/deeper/x.yml',
      'Dockerfile/x',
      'a/Dockerfile.dev/x',
      'a/Dockerfile.link/x',
      'dangling/x',
      'link-in/missing/x',
    ];
    let known = 0;
    for (const p of probes) known += agrees(listing, join(root, p));
    // What discovery listed is answered without the disk: plain names present or absent, in listed directories.
    expect(listing.exists(join(root, 'missing'))).toBe(false);
    expect(listing.exists(join(root, 'missing', '.git'))).toBe(false); // nothing is under an absent path
    expect(listing.real(join(root, 'Dockerfile', 'x'))).toBeNull(); // nor under a file
    expect(listing.exists(join(root, 'a', 'b', 'compose.yml'))).toBe(true);
    expect(listing.real(join(root, 'link-in', 'compose.yml'))).toBe(join(root, 'a', 'b', 'compose.yml'));
    expect(listing.real(join(root, 'link-out'))).toBeUndefined(); // a link: the disk says where it goes
    expect(listing.exists(join(root, 'dangling'))).toBeUndefined();
    expect(listing.exists(join(root, '.git', 'config'))).toBeUndefined(); // .git is never listed
    expect(listing.exists(join(root, 'ignored', 'Dockerfile'))).toBeUndefined(); // nor a .gitignore'd directory
    expect(listingOf(root, false).exists(join(root, 'ignored', 'Dockerfile'))).toBe(true); // unless --no-gitignore
    expect(known).toBeGreaterThan(20);
  });

  test('a name the file system may take for another entry (case, Unicode form, trailing dot, short name, device) is left to the disk', () => {
    const root = temp();
    mkdirSync(join(root, 'ascii'));
    mkdirSync(join(root, 'unicode'));
    for (const f of ['ascii/Dockerfile', 'ascii/Compose.YML', 'unicode/Dockerfile', 'unicode/caf\u00e9.yml']) writeFileSync(join(root, f), 'x');
    const listing = listingOf(root);
    const unknown = ['ascii/dockerfile', 'ascii/DOCKERFILE', 'ascii/Dockerfile.', 'ascii/Dockerfile ', 'ascii/compose.yml', 'ascii/DOCKER~1', 'ascii/Dockerfile:x', 'ascii/nul', 'ascii/CON.txt', 'ascii/caf\u00e9.yml'];
    // In a directory with a Unicode name, no absence is vouched for (it may be another's case or normalization variant).
    unknown.push('unicode/cafe\u0301.yml', 'unicode/CAF\u00c9.yml', 'unicode/Containerfile');
    for (const p of unknown) {
      expect([p, listing.exists(join(root, p))]).toEqual([p, undefined]);
      agrees(listing, join(root, p));
    }
    // Nothing like it: absent.
    expect(listing.exists(join(root, 'ascii', 'Containerfile'))).toBe(false);
    expect(listing.real(join(root, 'ascii', 'compose.yaml'))).toBeNull();
    expect(listing.exists(join(root, 'unicode', 'caf\u00e9.yml'))).toBe(true);
    expect(listing.exists(join(root, 'unicode', 'Dockerfile'))).toBe(true);
  });

  test('generated trees: every answer given is the disk answer', () => {
    const names = ['a', 'A', 'b', 'Dockerfile', 'dockerfile', 'c.yml', 'caf\u00e9', 'cafe\u0301', 'x~1', '.git', 'node_modules'];
    const node: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      tree: fc.dictionary(fc.constantFrom(...names), fc.oneof({ maxDepth: 3, depthSize: 'small' }, fc.constant('file'), fc.constantFrom('link:a', 'link:../a', 'link:Dockerfile', 'link:missing', 'link:../../out'), tie('tree')), { maxKeys: 5 }),
    })).tree;
    fc.assert(
      fc.property(node, (spec) => {
        const dir = temp();
        const root = join(dir, 'r');
        mkdirSync(join(dir, 'out'));
        const made: string[] = [];
        const lay = (at: string, s: unknown) => {
          mkdirSync(at, { recursive: true });
          for (const [name, v] of Object.entries(s as Record<string, unknown>)) {
            const p = join(at, name);
            if (existsSync(p) || lstatType(p) !== '') continue; // a name the file system folded onto an earlier one
            made.push(p);
            if (v === 'file') writeFileSync(p, 'x');
            else if (typeof v === 'string') symlinkSync(v.slice(5), p);
            else lay(p, v);
          }
        };
        lay(root, spec);
        const listing = listingOf(root);
        const probes = new Set([root, ...made]);
        for (const p of made) for (const n of names) probes.add(join(dirname(p), n)).add(join(p, n)).add(join(p, n, 'x'));
        for (const p of probes) agrees(listing, p);
        rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: 60, seed: 11 },
    );
  });
});

describe('a repository planned with the listing is planned as without it', () => {
  /** A repository of every kind of file the listing serves: configs, CI of several systems, links, templates. */
  function hostileRepo(): string {
    const dir = temp();
    const repo = join(dir, 'repo');
    const files: Record<string, string> = {
      '.gitignore': 'build/\n',
      '.dockerfile-argfix.yaml': 'defaults:\n  TAG: "1"\n',
      'svc/.dockerfile-argfix.yml': 'ignore: [CiBeforeShaZeros]\n',
      'Dockerfile': 'FROM $REGISTRY/base:$TAG\n',
      'svc/Dockerfile': 'FROM ${CI_REGISTRY_IMAGE}/svc:$TAG\n',
      'svc/dockerfile': 'FROM alpine\n',
      'web/Containerfile': 'FROM $BASE\n',
      '.gitlab-ci.yml': 'include: ci/build.yml\nvariables:\n  BASE: alpine\n',
      'ci/build.yml': 'build:\n  script:\n    - docker build -f svc/Dockerfile .\n    - docker build .\n    - ./scripts/build.sh\n',
      '.github/workflows/ci.yml': 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build -f web/Containerfile web\n',
      'docker-compose.yml': 'services:\n  web:\n    build:\n      context: web\n',
      'deep/er/compose.yaml': 'services:\n  s:\n    build: ../../svc\n',
      'Jenkinsfile': "pipeline { stages { stage('b') { steps { sh 'docker build -f svc/Dockerfile .' } } } }\n",
      'scripts/build.sh': '#!/bin/sh\ndocker build -f web/Containerfile web\n',
      'build/gen.sh': 'docker build .\n',
      '{{cookiecutter.x}}/build.sh': 'docker build .\n',
      'nested/.git/HEAD': 'ref: refs/heads/main\n',
    };
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(join(repo, p)), { recursive: true });
      writeFileSync(join(repo, p), text);
    }
    mkdirSync(join(repo, '.git'));
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(dir, 'outside', 'docker-compose.yml'), 'services:\n  o:\n    build: .\n');
    symlinkSync('../outside', join(repo, 'out'));
    symlinkSync('svc', join(repo, 'svc-link'));
    symlinkSync('../ci/build.yml', join(repo, 'scripts', 'pipeline.yml'));
    symlinkSync('missing.yml', join(repo, 'dangling.yml'));
    return dir;
  }

  test('the plans are equal, with every CI system read', async () => {
    const dir = hostileRepo();
    for (const gitignore of [true, false]) {
      const collected = collect({ paths: [dir], gitignore }, dir);
      expect(collected.jobs.map((j) => j.root)).toEqual([join(dir, 'repo')]);
      const [job] = collected.jobs;
      expect(job.listing!.size).toBeGreaterThan(5);
      for (const format of ['text', 'sarif'] as const) {
        const opts = planOptions({ defaults: [], format, ci: true }, dir, true);
        const shared = await planRepo(job.root, job.files, opts, job.listing);
        const disk = await planRepo(job.root, job.files, opts);
        expect(shared).toEqual(disk);
        // Plain data: a copy as a worker thread gets it serves the same.
        expect(await planRepo(job.root, job.files, opts, structuredClone(job.listing))).toEqual(disk);
        const status = new Map(shared.reports.map((r) => [r.path, r.status]));
        // Every reader the listing serves found its files: GitLab's include, a workflow, compose files at the root
        // and two levels down, a script a job runs, a Jenkinsfile; not the .gitignore'd or templated scripts.
        for (const p of ['repo/Dockerfile', 'repo/web/Containerfile', 'repo/ci/build.yml', 'repo/docker-compose.yml', 'repo/scripts/build.sh']) expect([p, status.get(p)]).toEqual([p, 'changed']);
        for (const p of ['repo/.github/workflows/ci.yml', 'repo/deep/er/compose.yaml', 'repo/Jenkinsfile']) expect([p, status.get(p)]).toEqual([p, 'unchanged']);
        expect([...status.keys()].filter((p) => p.includes('build/') || p.includes('cookiecutter') || p.includes('out/'))).toEqual([]);
      }
    }
  });

  test('on a worker thread (the built modules): the listing travels with the repository and plans the same', async () => {
    type Pool = typeof import('../src/pool.js');
    type Run = typeof import('../src/run.js');
    const { planAll, workerCount, FILES_PER_WORKER } = (await import(new URL('../dist/src/pool.js', import.meta.url).href)) as Pool;
    const run = (await import(new URL('../dist/src/run.js', import.meta.url).href)) as Run;
    const dir = hostileRepo();
    // Enough Dockerfiles in a second repository for a worker to start beside this thread.
    const other = join(dir, 'many');
    mkdirSync(join(other, '.git'), { recursive: true });
    writeFileSync(join(other, '.gitlab-ci.yml'), 'b:\n  script:\n    - docker build -f s0/Dockerfile .\n');
    for (let i = 0; i < FILES_PER_WORKER; i++) {
      mkdirSync(join(other, `s${i}`));
      writeFileSync(join(other, `s${i}`, 'Dockerfile'), i === 0 ? 'FROM $X\n' : 'FROM alpine\n');
    }
    const collected = run.collect({ paths: [dir], gitignore: true }, dir);
    expect(workerCount(collected.jobs, 2)).toBe(1);
    const opts = run.planOptions({ defaults: [], ci: true }, dir, true);
    const two = await planAll(collected.jobs, opts, 2);
    const one = await planAll(collected.jobs, opts, 1);
    const disk = await planAll(
      collected.jobs.map(({ root, files }) => ({ root, files })),
      opts,
      1,
    );
    expect(two).toEqual(one);
    expect(one).toEqual(disk);
    expect(one.flatMap((p) => p.reports).filter((r) => r.status === 'changed').length).toBeGreaterThan(2);
    // Each thread answers from the listing it was given, not the disk: a config written after discovery is seen
    // only by a plan without the listing.
    writeFileSync(join(other, '.dockerfile-argfix.yaml'), 'defaults:\n  X: alpine\n');
    writeFileSync(join(dir, 'repo', 'web', '.dockerfile-argfix.yaml'), 'defaults:\n  BASE: alpine\n');
    expect(await planAll(collected.jobs, opts, 2)).toEqual(one);
    const fresh = await planAll(collected.jobs.map(({ root, files }) => ({ root, files })), opts, 2);
    expect(fresh).not.toEqual(one);
    expect(fresh.flatMap((p) => p.reports).find((r) => r.path === 'many/s0/Dockerfile')!.diff).toContain('+ARG X=alpine\n');
    // The CLI's run consumes the listings (each dropped once its repository is planned or sent to a worker).
    expect(await planAll(collected.jobs, opts, 2, () => {}, true)).toEqual(one);
    expect(collected.jobs.map((j) => j.listing)).toEqual(collected.jobs.map(() => undefined));
  }, 120_000);
});
