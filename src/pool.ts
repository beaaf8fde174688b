/**
 * Plans repositories on N worker threads (or in this thread with one job or --run-in-band). Results come back
 * in the order the repositories were given, whatever the scheduling, so two runs print identical bytes.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Discovered } from './discover.js';
import { planRepo, type PlanOptions, type RepoPlan } from './repo.js';

export interface RepoJob {
  root: string;
  files: Discovered[];
}

const WORKER = new URL('./worker.js', import.meta.url);

export async function planAll(
  jobs: readonly RepoJob[],
  opts: PlanOptions,
  threads: number,
  onDone: (plan: RepoPlan, done: number) => void = () => {},
): Promise<RepoPlan[]> {
  const results: RepoPlan[] = new Array(jobs.length);
  let done = 0;
  // Worker threads need the built worker (dist/src/worker.js); from TypeScript sources (tests) run in-band.
  const n = Math.min(threads, jobs.length);
  if (n <= 1 || !existsSync(fileURLToPath(WORKER))) {
    for (let i = 0; i < jobs.length; i++) {
      results[i] = await planRepo(jobs[i].root, jobs[i].files, opts);
      onDone(results[i], ++done);
    }
    return results;
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, () => {
      const worker = new Worker(WORKER);
      return new Promise<void>((resolve, reject) => {
        const feed = () => {
          if (next >= jobs.length) {
            void worker.terminate().then(() => resolve());
            return;
          }
          const id = next++;
          worker.postMessage({ id, root: jobs[id].root, files: jobs[id].files, opts });
        };
        worker.on('message', (m: { id: number; plan?: RepoPlan; error?: string }) => {
          if (m.error !== undefined || !m.plan) {
            reject(new Error(`planning ${jobs[m.id].root} failed: ${m.error}`));
            return;
          }
          results[m.id] = m.plan;
          onDone(m.plan, ++done);
          feed();
        });
        worker.on('error', reject);
        feed();
      });
    }),
  );
  return results;
}
