/**
 * The pool (src/pool.ts): a run large enough for a worker thread plans the same as one thread alone, in the
 * same order; a small run starts no worker. The built modules are used (a worker needs dist/src/worker.js).
 */
import { describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Pool = typeof import('../src/pool.js');
const dist = new URL('../dist/src/pool.js', import.meta.url).href;

function fleet(root: string, repos: number, perRepo: number) {
  const jobs: { root: string; files: { path: string; explicit: boolean }[] }[] = [];
  for (let r = 0; r < repos; r++) {
    const repo = join(root, `repo-${r}`);
    mkdirSync(join(repo, '.git'), { recursive: true });
    const files = [];
    for (let i = 0; i < perRepo; i++) {
      const dir = join(repo, `svc-${i}`);
      mkdirSync(dir);
      const path = join(dir, 'Dockerfile');
      // In every fifth repository every tenth needs a hoist; the rest use `$` only outside FROM.
      writeFileSync(path, r % 5 === 0 && i % 10 === 3 ? `FROM $REGISTRY/app:${i}\nRUN echo $HOME\n` : `FROM node:20 AS b${i}\nARG V\nENV PATH=$PATH:/x V=$V\nFROM b${i}\n`);
      files.push({ path, explicit: false });
    }
    writeFileSync(join(repo, '.gitlab-ci.yml'), `build:\n  script:\n    - docker build -f svc-3/Dockerfile -t x .\n`);
    jobs.push({ root: repo, files });
  }
  return jobs;
}

describe('pool', () => {
  test('a worker beside this thread gives the plans one thread gives, in order', async () => {
    const { planAll, workerCount, FILES_PER_WORKER } = (await import(dist)) as Pool;
    const dir = mkdtempSync(join(tmpdir(), 'argfix-pool-'));
    try {
      const perRepo = Math.ceil(FILES_PER_WORKER / 20) + 1;
      const jobs = fleet(dir, 20, perRepo);
      expect(workerCount(jobs, 2)).toBe(1);
      expect(workerCount(jobs, 1)).toBe(0);
      const opts = { cwd: dir, defaults: [], write: true, ci: true };
      const seen: string[] = [];
      const two = await planAll(jobs, opts, 2, (p) => seen.push(p.root));
      const one = await planAll(jobs, opts, 1);
      expect(two).toEqual(one);
      expect(two.map((p) => p.root)).toEqual(jobs.map((j) => j.root));
      expect([...seen].sort()).toEqual(jobs.map((j) => j.root).sort());
      const hoists = Array.from({ length: perRepo }, (_, i) => i).filter((i) => i % 10 === 3).length;
      expect(one.flatMap((p) => p.reports).filter((r) => r.status === 'changed').length).toBe(4 * hoists);
      expect(one.flatMap((p) => p.reports).some((r) => r.findings.some((f) => f.rule.startsWith('Ci')))).toBe(true); // the CI side ran
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  test('a small run starts no worker', async () => {
    const { workerCount } = (await import(dist)) as Pool;
    const jobs = Array.from({ length: 8 }, (_, r) => ({ root: `/r${r}`, files: Array.from({ length: 50 }, (_, i) => ({ path: `/r${r}/${i}/Dockerfile`, explicit: false })) }));
    expect(workerCount(jobs, 2)).toBe(0);
    expect(workerCount(jobs.slice(0, 1), 64)).toBe(0);
  });
});
