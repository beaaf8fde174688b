/**
 * Plans repositories on this thread and, when the run is large enough to pay for them, on worker threads beside
 * it. Results come back in the order the repositories were given, whatever the scheduling, so two runs print
 * identical bytes.
 *
 * Threads must pay for themselves: a worker costs a start-up (its own module loads, ~50 ms CPU; the CI modules
 * again when one of its repositories needs them), while most Dockerfiles of a fleet take well under a
 * millisecond (the pre-check). So this thread always plans too, and a worker is added only per
 * FILES_PER_WORKER Dockerfiles of the run (bench/: below that, one thread was as fast or faster on 2 CPUs).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Discovered } from './discover.js';
import type { ListingData } from './listing.js';
import { planRepo, type PlanOptions, type RepoPlan } from './repo.js';

export interface RepoJob {
  root: string;
  files: Discovered[];
  /** Discovery's listings of the directories at or below root (src/listing.ts): plain data, it travels to a worker. */
  listing?: ListingData;
}

const WORKER = new URL('./worker.js', import.meta.url);

/** Dockerfiles per extra thread: a run with fewer is planned on this thread alone. */
export const FILES_PER_WORKER = 1500;

/** How many worker threads to start beside this one: at most `threads - 1` (this thread plans too), one per
 * FILES_PER_WORKER Dockerfiles, and never more than there are repositories to share. */
export function workerCount(jobs: readonly RepoJob[], threads: number): number {
  let files = 0;
  for (const j of jobs) files += j.files.length;
  return Math.max(0, Math.min(threads - 1, Math.floor(files / FILES_PER_WORKER), jobs.length - 1));
}

export async function planAll(
  jobs: readonly RepoJob[],
  opts: PlanOptions,
  threads: number,
  /** Called as each repository's plan is made (in completion order): the plan, how many are done, its index in `jobs`. */
  onDone: (plan: RepoPlan, done: number, index: number) => void = () => {},
  /** Drop each job's listing once its repository is planned or sent (a run that plans them once: the CLI), so a
   * fleet's listings are not all held to the end. */
  consume = false,
): Promise<RepoPlan[]> {
  const results: RepoPlan[] = new Array(jobs.length);
  let done = 0;
  // Worker threads need the built worker (dist/src/worker.js); from TypeScript sources (tests) run in-band.
  const n = existsSync(fileURLToPath(WORKER)) ? workerCount(jobs, threads) : 0;
  let next = 0;
  let failed: Error | null = null;
  const workers: Promise<void>[] = Array.from({ length: n }, () => {
    const worker = new Worker(WORKER);
    return new Promise<void>((resolve, reject) => {
      let inFlight = 0;
      const feed = () => {
        if (next >= jobs.length || failed) {
          if (inFlight === 0) void worker.terminate().then(() => resolve());
          return;
        }
        const id = next++;
        inFlight++;
        worker.postMessage({ id, root: jobs[id].root, files: jobs[id].files, listing: jobs[id].listing, opts });
        if (consume) delete jobs[id].listing;
      };
      worker.on('message', (m: { id: number; plan?: RepoPlan; error?: string }) => {
        if (m.error !== undefined || !m.plan) {
          failed ??= new Error(`planning ${jobs[m.id].root} failed: ${m.error}`);
          void worker.terminate();
          reject(failed);
          return;
        }
        inFlight--;
        results[m.id] = m.plan;
        onDone(m.plan, ++done, m.id);
        feed();
      });
      worker.on('error', (e) => {
        failed ??= e;
        reject(e);
      });
      // Two repositories in flight: the worker has the next one while this thread is busy with its own.
      feed();
      feed();
    });
  });
  // This thread takes the next repository too; between two it lets the workers' results in (and feeds them).
  const here = (async () => {
    while (next < jobs.length && !failed) {
      const id = next++;
      results[id] = await planRepo(jobs[id].root, jobs[id].files, opts, jobs[id].listing);
      if (consume) delete jobs[id].listing;
      onDone(results[id], ++done, id);
      if (n > 0) await new Promise<void>((r) => setImmediate(r));
    }
  })().catch((e: unknown) => {
    failed ??= e instanceof Error ? e : new Error(String(e));
    throw e;
  });
  await Promise.all([here, ...workers]);
  return results;
}
